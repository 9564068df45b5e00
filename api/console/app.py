"""Wire the staff console into the gateway app: ``install_console(app)`` in create_app."""

from __future__ import annotations

from fastapi import FastAPI

from api.console import account, analytics, insights, json_routes, login, pages, proactive, recommendations, staff
from api.console import live_api, live_pages
from api.console import conversation_data, conversations
from api.console import experiments, segment_wording
from api.console.errors import install_console_error_handlers
from api.console.headers import ConsoleSecurityHeaders
from api.console.throttle import LoginThrottle
from bot.settings import get_settings


def install_console(app: FastAPI) -> None:
    """Routers, access-error handlers, security headers and the login throttle of the console."""
    app.state.login_throttle = LoginThrottle(get_settings())
    app.add_middleware(ConsoleSecurityHeaders)
    install_console_error_handlers(app)
    for module in (login, pages, account, staff, json_routes, analytics, insights, recommendations, proactive):
        app.include_router(module.router)
    app.include_router(live_pages.router)
    app.include_router(live_api.router)
    app.include_router(conversations.router)
    app.include_router(conversation_data.router)
    app.include_router(experiments.router)
    app.include_router(segment_wording.router)
