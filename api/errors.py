"""Translation of errors into clear JSON answers, in one place."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.rasa_client import RasaUnavailable, TurnInterrupted
from api.schemas import ErrorResponse, InvalidRequest

logger = logging.getLogger(__name__)

RASA_DOWN_MESSAGE = (
    "Sorry, the assistant is not available right now. Please try again in a minute."
)
# A replica went away while it had the message (api/rasa_client.py): another one takes the
# conversation at once, so the message can be sent again in a moment. The widget does that
# by itself (same client_id, so a turn that was stored after all is not answered twice).
INTERRUPTED_MESSAGE = "One moment please: I was interrupted while answering. Please send your message again."
INTERRUPTED_ERROR = "turn interrupted"
INTERRUPTED_RETRY_SECONDS = 2


# What each error status means for this API; routes list theirs with ``error_responses(...)``,
# so /openapi.json documents every answer a client can get (the shape is always ErrorResponse,
# or InvalidRequest for a 422).
_MEANINGS: dict[int, str] = {
    400: "The body is not well-formed (not JSON, or not UTF-8).",
    401: "Not authenticated: no (or an expired) staff session on the console, an unknown integration key on the chat API.",
    403: "Not allowed: admins only, not the holder of the chat, or a missing or wrong CSRF token.",
    404: "No such thing (or not yours to see).",
    409: "It has changed meanwhile: reload and try again.",
    413: "The body is over the size limit.",
    422: "The values are not acceptable; `detail` says which and why.",
    429: "Too many requests: wait `Retry-After` seconds.",
    431: "A header, or all headers together, are over the size limit.",
    503: "The assistant service is unreachable: try again in a moment.",
}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}}
# Every route may answer these (limits applied before the route is reached).
ALWAYS = (413, 431)


def error_responses(*codes: int) -> dict[int | str, dict]:
    """The ``responses=`` of a route that may answer with these error statuses (and ALWAYS's)."""
    documented: dict[int | str, dict] = {}
    for code in sorted({*codes, *ALWAYS}):
        entry: dict = {"model": InvalidRequest if code == 422 else ErrorResponse, "description": _MEANINGS[code]}
        if code in (429, 503):
            entry["headers"] = _RETRY_AFTER
        documented[code] = entry
    return documented


def _field(loc: tuple) -> str:
    return ".".join(str(part) for part in loc if part != "body") or "body"


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn errors into ``{"error": ..., "detail": ...}``."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"field": _field(tuple(e.get("loc", ()))), "problem": e.get("msg", "invalid")} for e in exc.errors()]
        return JSONResponse(status_code=422, content={"error": "invalid request", "detail": problems})

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code, content={"error": str(exc.detail)}, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(TurnInterrupted)
    async def _interrupted(_request: Request, _exc: TurnInterrupted) -> JSONResponse:
        return JSONResponse(
            status_code=503, content={"error": INTERRUPTED_ERROR, "detail": INTERRUPTED_MESSAGE},
            headers={"Retry-After": str(INTERRUPTED_RETRY_SECONDS)},
        )

    @app.exception_handler(RasaUnavailable)
    async def _rasa_down(_request: Request, _exc: RasaUnavailable) -> JSONResponse:
        return JSONResponse(
            status_code=503, content={"error": "assistant unavailable", "detail": RASA_DOWN_MESSAGE},
            headers={"Retry-After": "30"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", exc_info=exc)
        return JSONResponse(status_code=500, content={"error": "internal error"})
