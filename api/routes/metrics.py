"""``/metrics`` for Prometheus, on the public port but never for visitors.

Served only to an operator: with ``SHOP_METRICS_TOKEN`` set, to requests carrying
``Authorization: Bearer <token>`` (from anywhere, as a scraper on another host needs);
unset, to clients on loopback that came through no proxy, so ``curl`` on the machine of a
``make run`` works with nothing to configure. A reverse proxy on the same host makes every
visitor look like loopback, hence the refusal of requests with forwarding headers. Scrapes
pass no rate limit, so they never spend a visitor's budget.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool

from api.callers import client_address
from api.deps import SettingsDep
from api.metrics import render
from bot import metrics_access

router = APIRouter(include_in_schema=False)

def may_scrape(request: Request, token: str) -> bool:
    """May this request read the metrics (bot/metrics_access.py says who may)?"""
    return metrics_access.may_scrape(request.headers, client_address(request), token)


@router.get("/metrics")
async def metrics(request: Request, settings: SettingsDep) -> Response:
    if not may_scrape(request, settings.metrics_token):
        return JSONResponse(status_code=403, content={"error": "metrics are for operators only"})
    # Reads the handoff queue from the shop DB: off the event loop.
    return Response(await run_in_threadpool(render), media_type=CONTENT_TYPE_LATEST)
