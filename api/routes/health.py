"""Health of the gateway's dependencies: Rasa, the action server, the shop DB."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.deps import RasaDep
from api.errors import error_responses
from api.schemas import ComponentHealth, HealthResponse
from bot.db import get_engine

router = APIRouter(tags=["health"])


def _database_health() -> tuple[bool, str]:
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return False, type(exc).__name__
    return True, "reachable"


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
