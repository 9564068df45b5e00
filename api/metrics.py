"""The gateway's Prometheus metrics: what is counted, and the text ``/metrics`` serves.

Requests are timed by prometheus-fastapi-instrumentator's middleware and labelled by the
route's template (``/api/sessions/{session_id}/messages``), never by the path: a widget's
session id in a path is the visitor's bearer secret (see api/access_log.py), and ids would
make a new series per conversation. The metric objects live here, once per process; each
app made by ``create_app`` only adds the middleware, so an app built twice (tests) still
counts into the same series.

With several uvicorn workers, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory (wiped
before each start) in every worker's environment: each scrape then sums all workers' files.
Without it, each worker (and each replica) is a target of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from prometheus_fastapi_instrumentator import Instrumentator
from prometheus_fastapi_instrumentator.metrics import Info
from sqlalchemy.exc import SQLAlchemyError
from starlette.routing import Route
from starlette.types import ASGIApp

from bot.db import session_scope
from bot.metrics_access import process_metrics
from bot.handoff_sessions.queue import open_counts

logger = logging.getLogger(__name__)

# A request no route answered (404, or a trailing-slash redirect whose path may hold an id).
UNMATCHED = "none"
LIMITS = ("messages", "sessions", "connections", "long_polls", "integration", "waiting")
RASA_CALLS = ("message", "append_events", "parse")
RASA_OUTCOMES = ("ok", "error", "timeout", "refused")

HTTP_REQUESTS = Counter(
    "http_requests_total", "Requests answered, by method, route template and status code.",
    ["method", "handler", "status"],
)
HTTP_SECONDS = Histogram(
    "http_request_duration_seconds", "Time to answer a request, by method and route template.",
    ["method", "handler"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
RASA_SECONDS = Histogram(
    "shop_gateway_rasa_seconds",
    "Round trips to the Rasa server (message: a visitor message through the gateway channel; "
    "append_events and parse: storing a message for an agent), by outcome (refused: a replica "
    "refused the connection and the call moved on to the next).",
    ["call", "outcome"], buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)
RATE_LIMITED = Counter(
    "shop_gateway_rate_limited_total",
    "Requests and WebSockets refused by a rate limit, by the limit (waiting: too many open "
    "long polls and WebSockets from one source).",
    ["limit"],
)
OPEN_WEBSOCKETS = Gauge(
    "shop_gateway_open_websockets", "Widget WebSockets open now.", multiprocess_mode="livesum",
)
LONG_POLLS_WAITING = Gauge(
    "shop_gateway_long_polls_waiting", "Widget long polls waiting for a message now.", multiprocess_mode="livesum",
)

for _limit in LIMITS:
    RATE_LIMITED.labels(_limit)
for _call in RASA_CALLS:
    for _outcome in RASA_OUTCOMES:
        RASA_SECONDS.labels(_call, _outcome)


def _plain_paths(app: object) -> frozenset[str]:
    """Paths of the app's own parameterless routes (/docs, /openapi.json): their path is their template."""
    routes = getattr(app, "routes", ())
    return frozenset(r.path for r in routes if isinstance(r, Route) and "{" not in r.path)


def route_label(info: Info) -> str:
    """The template of the route that answered, or ``UNMATCHED``; never a path that may hold an id.

    The instrumentator reports the raw path when a trailing slash makes the router redirect
    (``/api/sessions/<id>/messages/``), so its label is used only when it is no path at all
    (a mount such as ``/static``) or one of the app's fixed paths.
    """
    route = info.request.scope.get("route")
    template = getattr(route, "path", None)
    if isinstance(template, str):
        return template
    handler = info.modified_handler
    if handler != info.request.url.path:
        return handler
    return handler if handler in _plain_paths(info.request.scope.get("app")) else UNMATCHED


def record_request(info: Info) -> None:
    """Count and time one answered request (the instrumentator calls it for each)."""
    handler = route_label(info)
    HTTP_REQUESTS.labels(info.method, handler, info.modified_status).inc()
    HTTP_SECONDS.labels(info.method, handler).observe(info.modified_duration)


def instrument(app: ASGIApp) -> None:
    """Add the request-timing middleware to ``app`` (WebSockets are not requests: see the gauges)."""
    Instrumentator(should_group_status_codes=False).add(record_request).instrument(app)


def observe_rasa(call: str, outcome: str, seconds: float) -> None:
    """One round trip to Rasa: ``call`` in RASA_CALLS, ``outcome`` in RASA_OUTCOMES."""
    RASA_SECONDS.labels(call, outcome).observe(seconds)


def count_refusal(limit: str) -> None:
    """A request or connection refused by ``limit``."""
    RATE_LIMITED.labels(limit).inc()


class HandoffQueue(Collector):
    """Open handoff requests, read from the shop DB when scraped (a COUNT on the indexed status)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            with session_scope() as session:
                waiting, taken = open_counts(session)
        except SQLAlchemyError as exc:
            # No sample rather than a false 0; /readyz says the DB is down.
            logger.warning("handoff queue not read for /metrics: %s", type(exc).__name__)
            return
        family = GaugeMetricFamily("shop_handoff_queue", "Open handoff requests (all replicas), by status.",
                                   labels=["status"])
        family.add_metric(["waiting"], waiting)
        family.add_metric(["taken"], taken)
        yield family


def render() -> bytes:
    """The exposition text: this process's (or all workers') metrics, then the shop-wide gauges."""
    shop_wide = CollectorRegistry()
    shop_wide.register(HandoffQueue())
    return process_metrics() + generate_latest(shop_wide)
