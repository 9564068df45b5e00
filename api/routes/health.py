"""Health of the gateway's dependencies: Rasa, the action server, the shop DB; and the probes.

``/health`` tells a person what is up. ``/livez`` and ``/readyz`` are for an orchestrator:
``/livez`` answers as long as the process does (restart it when it stops), ``/readyz`` only
while the shop DB, the tracker store and Rasa answer (send it no traffic otherwise).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from redis.exceptions import RedisError
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from api.deps import RasaDep
from api.errors import error_responses
from api.schemas import ComponentHealth, HealthResponse
from bot.db import get_engine
from bot.transcripts.store import get_tracker_engine

router = APIRouter(tags=["health"])

# Each readiness check gets this long; they run at the same time.
READY_TIMEOUT_SECONDS = 1.0
# One readiness answer serves every probe for this long, so a flood of /readyz (it is on the
# public port) costs the databases and Rasa at most one round of checks per second.
READY_CACHE_SECONDS = 1.0
# Database checks run here, not in the shared thread pools: a database that hangs ties up
# these threads (until its driver gives up), never the ones requests need.
_PROBE_THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")


class LivenessResponse(BaseModel):
    status: Literal["alive"]


class ReadinessResponse(BaseModel):
    status: Literal["ready", "not ready"]
    failed: list[str] = Field(description="The dependencies that did not answer (empty when ready).")
    components: dict[str, ComponentHealth]


def _select_one(engine: Engine) -> tuple[bool, str]:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return False, type(exc).__name__
    return True, "reachable"


def _database_health() -> tuple[bool, str]:
    return _select_one(get_engine())


@router.get("/health", response_model=HealthResponse,
            responses={**error_responses(), 503: {"model": HealthResponse, "description": "Something is down."}})
async def health(rasa: RasaDep, response: Response) -> HealthResponse:
    (rasa_ok, rasa_detail), (act_ok, act_detail), (db_ok, db_detail) = await asyncio.gather(
        rasa.rasa_health(), rasa.action_server_health(), asyncio.to_thread(_database_health)
    )
    components = {
        "rasa": ComponentHealth(ok=rasa_ok, detail=rasa_detail),
        "action_server": ComponentHealth(ok=act_ok, detail=act_detail),
        "database": ComponentHealth(ok=db_ok, detail=db_detail),
    }
    healthy = all(c.ok for c in components.values())
    if not healthy:
        response.status_code = 503
    return HealthResponse(status="ok" if healthy else "degraded", components=components)


@router.get("/livez", response_model=LivenessResponse, responses=error_responses(),
            summary="Liveness: the gateway process answers (checks no dependency)")
async def livez() -> LivenessResponse:
    return LivenessResponse(status="alive")


async def _within(check: Callable[[], Awaitable[tuple[bool, str]]]) -> ComponentHealth:
    try:
        ok, detail = await asyncio.wait_for(check(), READY_TIMEOUT_SECONDS)
    except TimeoutError:
        return ComponentHealth(ok=False, detail="timeout")
    return ComponentHealth(ok=ok, detail=detail)


def _in_probe_thread(engine_of: Callable[[], Engine]) -> Callable[[], Awaitable[tuple[bool, str]]]:
    def check() -> Awaitable[tuple[bool, str]]:
        return asyncio.get_running_loop().run_in_executor(_PROBE_THREADS, _select_one, engine_of())
    return check


async def _redis_health(redis) -> tuple[bool, str]:
    try:
        await redis.ping()
    except RedisError as exc:
        return False, type(exc).__name__
    return True, "ok"


async def _readiness(request: Request) -> ReadinessResponse:
    rasa = request.app.state.rasa
    checks = {
        "database": _in_probe_thread(get_engine),
        "tracker_store": _in_probe_thread(get_tracker_engine),
        "rasa": lambda: rasa.rasa_health(timeout=READY_TIMEOUT_SECONDS),
    }
    redis = getattr(request.app.state, "redis", None)
    if redis is not None:  # replicas share the push hub and conversation locks there (SHOP_REDIS_URL)
        checks["redis"] = lambda: _redis_health(redis)
    results = await asyncio.gather(*(_within(check) for check in checks.values()))
    components = dict(zip(checks, results))
    failed = [name for name, c in components.items() if not c.ok]
    return ReadinessResponse(status="not ready" if failed else "ready", failed=failed, components=components)


class ReadinessCache:
    """The latest readiness answer of one app (``app.state.readiness``)."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._at = 0.0
        self._last: ReadinessResponse | None = None

    async def get(self, request: Request) -> ReadinessResponse:
        """The last answer if it is fresh, else a new one; concurrent probes share one round of checks."""
        async with self._lock:
            if self._last is None or time.monotonic() - self._at >= READY_CACHE_SECONDS:
                self._last = await _readiness(request)
                self._at = time.monotonic()
            return self._last


@router.get("/readyz", response_model=ReadinessResponse,
            responses={**error_responses(),
                       503: {"model": ReadinessResponse, "description": "A dependency did not answer."}},
            summary="Readiness: the shop DB, the tracker store and Rasa answer")
async def readyz(request: Request, response: Response) -> ReadinessResponse:
    readiness = await request.app.state.readiness.get(request)
    if readiness.failed:
        response.status_code = 503
    return readiness
