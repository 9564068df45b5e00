"""``/metrics`` on the action server's own port, through rasa_sdk's plugin hook.

rasa_sdk builds its Sanic app in ``rasa_sdk.endpoint.create_app_for_serve`` and then calls
the pluggy hook ``attach_sanic_app_extensions(app)`` (rasa_sdk/plugin.py), made for extra
routes and middleware. ``register()``, called when the ``actions`` package is imported
(``python -m rasa_sdk --actions actions`` imports it before it builds the app, and again in
each Sanic worker), adds this module's implementation to rasa_sdk's plugin manager: a
middleware times each ``/webhook`` call and ``/metrics`` serves the counts. The gRPC mode
of rasa_sdk has no Sanic app, hence no metrics.

Access follows the gateway's rule: with ``SHOP_METRICS_TOKEN`` set, a request must carry
``Authorization: Bearer <token>``; unset, only direct loopback clients are served. With
several Sanic workers (``ACTION_SERVER_SANIC_WORKERS``), set ``PROMETHEUS_MULTIPROC_DIR``
as for the gateway, or each scrape sees one worker's counts.
"""

from __future__ import annotations

import json
import time
import zlib
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.metrics import action_of, record_run
from actions.sanic_extensions import register_extension
from bot import metrics_access
from bot.settings import get_settings

PLUGIN_NAME = "shop_metrics"
WEBHOOK = "/webhook"



def webhook_call(request: Request) -> Any:
    """The webhook's action call, read as rasa_sdk reads it (Rasa may deflate it)."""
    try:
        if request.headers.get("Content-Encoding") == "deflate":
            return json.loads(zlib.decompress(request.body))
        return request.json  # parsed once: the handler gets the same object
    except Exception:  # noqa: BLE001 - a body the handler itself will refuse
        return None


async def _started(request: Request) -> None:
    if request.path == WEBHOOK:
        request.ctx.metrics_action = action_of(webhook_call(request))
        request.ctx.metrics_started = time.perf_counter()


async def _finished(request: Request, answer: HTTPResponse) -> None:
    started = getattr(request.ctx, "metrics_started", None)
    if started is None:
        return
    record_run(action=request.ctx.metrics_action, status=answer.status, seconds=time.perf_counter() - started,
               body=answer.body or b"")


def may_scrape(request: Request, token: str) -> bool:
    """May this request read the metrics (bot/metrics_access.py says who may)?"""
    return metrics_access.may_scrape(request.headers, request.ip, token)


async def metrics(request: Request) -> HTTPResponse:
    if not may_scrape(request, get_settings().metrics_token):
        return response.json({"error": "metrics are for operators only"}, status=403)
    return response.raw(metrics_access.process_metrics(), content_type=CONTENT_TYPE_LATEST)


def attach(app: Sanic) -> None:
    """Time the webhook and serve ``/metrics`` on ``app``."""
    app.register_middleware(_started, "request")
    app.register_middleware(_finished, "response")
    app.add_route(metrics, "/metrics", methods=["GET"], name="shop_metrics")


def register() -> None:
    """Add this extension to the action server, once per process."""
    register_extension(PLUGIN_NAME, attach)
