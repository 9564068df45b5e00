"""The gateway application: ``uvicorn --factory api.main:create_app``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.body_limit import BodySizeLimit
from api.errors import install_error_handlers
from api.rasa_client import RasaClient
from api.routes import chat, health
from bot.settings import get_settings


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    app.state.rasa = RasaClient(
        rasa_url=settings.rasa_url,
        action_server_url=settings.action_server_url,
        token=settings.rasa_token,
        timeout=settings.rasa_timeout_seconds,
    )
    yield
    await app.state.rasa.aclose()


def create_app() -> FastAPI:
    """Build the gateway app (settings are read when it starts, not at import)."""
    app = FastAPI(
        title="Shop support bot gateway",
        description="Public API of the shop's support assistant: chat with the bot, check health.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.add_middleware(BodySizeLimit)
    install_error_handlers(app)
    app.include_router(chat.router)
    app.include_router(health.router)
    return app
