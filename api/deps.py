"""FastAPI dependencies, declared once as ``Annotated`` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from api.console.errors import AdminRequired, CsrfRejected, LoginRequired
from api.console.security import CSRF_FIELD, CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE, read_form, tokens_match
from api.hub import Hub
from api.rasa_client import RasaClient
from api.rate_limit import RateLimits
from bot.db import session_scope
from bot.settings import Settings, get_settings
from bot.staff.sessions import StaffIdentity, resolve
from bot.transcripts.store import get_tracker_engine


def _session() -> Iterator[Session]:
    """One session per request; the request commits or rolls back."""
    with session_scope() as session:
        yield session


def _tracker() -> Iterator[Connection]:
    """A connection to Rasa's tracker store; a route that writes commits it itself."""
    with get_tracker_engine().connect() as conn:
        yield conn


def _rasa(request: Request) -> RasaClient:
    return request.app.state.rasa


def _hub(request: Request) -> Hub:
    return request.app.state.hub


def _limits(request: Request) -> RateLimits:
    return request.app.state.limits


SessionDep = Annotated[Session, Depends(_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RasaDep = Annotated[RasaClient, Depends(_rasa)]
HubDep = Annotated[Hub, Depends(_hub)]
LimitsDep = Annotated[RateLimits, Depends(_limits)]
# Closed before the response is sent, like the console's session.
TrackerDep = Annotated[Connection, Depends(_tracker, scope="function")]


# Staff console. Its session commits before the response is sent (scope="function"),
# so the request a redirect leads to (after login, after creating an account) sees
# the writes. Console routes use it, and so share the session the StaffUser check used.
ConsoleSessionDep = Annotated[Session, Depends(_session, scope="function")]
# Public routes that write (a visitor's rating) commit before answering, for the same reason.
WriteSessionDep = Annotated[Session, Depends(_session, scope="function")]


async def _console_form(request: Request) -> dict[str, str]:
    return {} if request.method in SAFE_METHODS else await read_form(request)


ConsoleForm = Annotated[dict[str, str], Depends(_console_form)]


def _current_staff(request: Request, session: ConsoleSessionDep, form: ConsoleForm) -> StaffIdentity:
    """The logged-in staff member; unsafe methods must also carry the session's CSRF token."""
    staff = resolve(session, request.cookies.get(SESSION_COOKIE))
    if staff is None:
        raise LoginRequired()
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
        if not tokens_match(sent, staff.csrf_token):
            raise CsrfRejected(staff)
    return staff


# Pages answer "login required" with a redirect to /console/login, /api/console with 401 JSON.
StaffUser = Annotated[StaffIdentity, Depends(_current_staff)]


def _current_admin(staff: StaffUser) -> StaffIdentity:
    if not staff.is_admin:
        raise AdminRequired(staff)
    return staff


# Agents get 403 (a page, or JSON under /api/console).
AdminUser = Annotated[StaffIdentity, Depends(_current_admin)]
