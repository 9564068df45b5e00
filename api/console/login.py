"""Logging staff in and out: /console/login and /console/logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.console import security
from api.console.templating import render
from api.console.throttle import wait_phrase
from api.deps import ConsoleForm, ConsoleSessionDep, SettingsDep, StaffUser
from api.rate_limit import RateLimited
from bot.settings import Settings
from bot.staff import accounts, sessions
from bot.staff.errors import InactiveAccount, InvalidCredentials

router = APIRouter(include_in_schema=False)

WRONG_CREDENTIALS = "Email or password is wrong."
DEACTIVATED = "This account is deactivated. Ask an admin to reactivate it."
FORM_EXPIRED = "The login form expired. Please try again."


def _login_page(
    request: Request, settings: Settings, *, status_code: int = 200, error: str | None = None,
    email: str = "", next_path: str = "/console", notice: str | None = None, headers: dict[str, str] | None = None,
) -> HTMLResponse:
    nonce = security.login_nonce(request)
    response = render(
        request, "console/login.html", status_code=status_code, headers=headers, error=error, email=email,
        next_path=next_path, notice=notice, csrf_token=security.login_form_token(nonce, settings),
    )
    security.set_login_cookie(response, nonce, settings)
    return response


@router.get("/console/login", response_class=HTMLResponse)
def login_page(
    request: Request, session: ConsoleSessionDep, settings: SettingsDep,
    next_param: Annotated[str | None, Query(alias="next")] = None, logged_out: str | None = None,
) -> Response:
    next_path = security.safe_next(next_param)
    if sessions.resolve(session, request.cookies.get(security.SESSION_COOKIE)) is not None:
        return RedirectResponse(next_path, status_code=303)
    notice = "You are logged out." if logged_out else None
    return _login_page(request, settings, next_path=next_path, notice=notice)


@router.post("/console/login", response_class=HTMLResponse)
def login(request: Request, session: ConsoleSessionDep, settings: SettingsDep, form: ConsoleForm) -> Response:
    email = accounts.normalise_login_email(form.get("email", ""))[:254]
    password = form.get("password", "")
    next_path = security.safe_next(form.get("next"))
    if not security.login_csrf_ok(request, form.get(security.CSRF_FIELD), settings):
        return _login_page(request, settings, status_code=403, error=FORM_EXPIRED, email=email, next_path=next_path)
    throttle = request.app.state.login_throttle
    ip = security.client_ip(request)
    try:
        throttle.attempt(email=email, ip=ip)  # counted before the password is checked: no racing past it
    except RateLimited as exc:
        message = f"Too many failed logins. Please try again in {wait_phrase(exc.retry_after)}."
        return _login_page(request, settings, status_code=429, error=message, email=email, next_path=next_path,
                           headers={"Retry-After": str(exc.retry_after)})
    try:
        account = accounts.authenticate(session, email=email, password=password)
    except (InvalidCredentials, InactiveAccount) as exc:
        message = DEACTIVATED if isinstance(exc, InactiveAccount) else WRONG_CREDENTIALS
        return _login_page(request, settings, status_code=400, error=message, email=email, next_path=next_path)
    throttle.succeeded(email=email, ip=ip)
    # A fresh token on every login: a session id planted before login is worth nothing after it.
    sessions.end_session(session, request.cookies.get(security.SESSION_COOKIE))
    sessions.purge_expired(session)
    token = sessions.start_session(
        session, staff_id=account.id, user_agent=request.headers.get("user-agent"), ip=ip
    )
    response = RedirectResponse(next_path, status_code=303)
    security.set_session_cookie(response, token, settings)
    security.clear_login_cookie(response, settings)
    return response


@router.post("/console/logout")
def logout(request: Request, session: ConsoleSessionDep, settings: SettingsDep, _staff: StaffUser) -> Response:
    sessions.end_session(session, request.cookies.get(security.SESSION_COOKIE))
    response = RedirectResponse(f"{security.LOGIN_PATH}?logged_out=1", status_code=303)
    security.clear_session_cookie(response, settings)
    return response
