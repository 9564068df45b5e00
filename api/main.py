"""The gateway application: ``uvicorn --factory api.main:create_app``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api.access_log import RequestIds, install_log_redaction
from api.body_limit import BodySizeLimit
from api.console.app import install_console
from api.errors import install_error_handlers
from api.header_limit import HeaderSizeLimit
from api.hub import Hub, RedisHub, redis_client
from api.locks import KeyedLocks, RedisLocks
from api.metrics import instrument
from api.proactive import Dispatcher, install_proactive
from api.rasa_client import RasaClient
from api.rate_limit import RateLimits
from api.routes import cards, chat, health, metrics, ratings, sessions, shop, widget
from api.waiting import WaitingSlots
from bot.logging_setup import configure_logging
from bot.settings import get_settings

STATIC_DIR = Path(__file__).parent / "static"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    app.state.rasa = RasaClient(
        rasa_url=settings.rasa_url,
        action_server_url=settings.action_server_url,
        token=settings.rasa_token,
        timeout=settings.rasa_timeout_seconds,
    )
    if isinstance(app.state.hub, RedisHub):
        await app.state.hub.start()
    dispatcher = Dispatcher(app, settings.proactive_interval_seconds) if settings.proactive_enabled else None
    if dispatcher is not None:
        dispatcher.start()
    yield
    if dispatcher is not None:
        await dispatcher.aclose()
    await app.state.rasa.aclose()
    if app.state.redis is not None:
        await app.state.hub.aclose()
        await app.state.redis.aclose()


def create_app() -> FastAPI:
    """Build the gateway app (settings are read when it starts, not at import)."""
    app = FastAPI(
        title="Shop support bot gateway",
        description="Public API of the shop's support assistant: chat with the bot, check health.",
        version="0.1.0",
        lifespan=lifespan,
    )
    settings = get_settings()
    configure_logging(process="gateway", fmt=settings.log_format)
    install_log_redaction()
    # Push hub and per-conversation locks: in-process, or shared by all replicas through Redis.
    app.state.redis = redis_client(settings.redis_url) if settings.redis_url else None
    if app.state.redis is None:
        app.state.hub, app.state.session_locks = Hub(), KeyedLocks()
    else:
        app.state.hub = RedisHub(app.state.redis)
        app.state.session_locks = RedisLocks(app.state.redis, wait=max(40.0, 4 * settings.rasa_timeout_seconds))
    app.state.limits = RateLimits(settings)
    app.state.waiting = WaitingSlots(settings.max_waiting_per_source)
    app.state.readiness = health.ReadinessCache()
    app.add_middleware(BodySizeLimit)
    # The widget runs on the shop's own pages, another origin than the gateway's.
    origins = [o.strip() for o in settings.widget_origins.split(",") if o.strip()]
    app.add_middleware(
        CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"], allow_headers=["Content-Type"], expose_headers=["Retry-After"],
        max_age=600,
    )
    install_error_handlers(app)
    install_console(app)
    app.include_router(chat.router)
    app.include_router(health.router)
    app.include_router(shop.router)
    app.include_router(sessions.router)
    app.include_router(ratings.router)
    app.include_router(cards.router)
    app.include_router(widget.router)
    app.include_router(metrics.router)
    install_proactive(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Counts and times requests by route template (/metrics); a 431 from the header limit is not counted.
    instrument(app)
    # A request id for every request's log lines and response (api/access_log.py).
    app.add_middleware(RequestIds)
    # Added last, so outermost: oversized headers are refused before anything parses them.
    app.add_middleware(HeaderSizeLimit)
    return app
