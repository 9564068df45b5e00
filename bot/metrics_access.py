"""Who may read a process's Prometheus metrics, and how they are rendered (gateway and action server alike).

With ``SHOP_METRICS_TOKEN`` set, only ``Authorization: Bearer <token>`` (from anywhere, as a
scraper on another host needs); unset, only a client on loopback that came through no proxy:
behind a reverse proxy on the same machine every visitor would look like loopback, so a
request carrying forwarding headers is refused.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Mapping

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess

FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")
BEARER = "bearer "


def _is_loopback(host: str | None) -> bool:
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def may_scrape(headers: Mapping[str, str], client_host: str | None, token: str) -> bool:
    """May a request with these (lower-case-insensitive) headers from ``client_host`` read the metrics?"""
    if token:
        header = headers.get("authorization", "")
        sent = header[len(BEARER):].strip() if header.lower().startswith(BEARER) else ""
        return hmac.compare_digest(sent.encode(), token.encode())
    if any(name in headers for name in FORWARDING_HEADERS):
        return False
    return _is_loopback(client_host)


def process_metrics() -> bytes:
    """This process's metrics, or all workers' in multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``)."""
    registry = REGISTRY
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return generate_latest(registry)
