"""Translation of errors into clear JSON answers, in one place."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.rasa_client import RasaUnavailable

logger = logging.getLogger(__name__)

RASA_DOWN_MESSAGE = (
    "Sorry, the assistant is not available right now. Please try again in a minute."
)


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
