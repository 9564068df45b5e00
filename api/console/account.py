"""A staff member's own account: /console/account (details, change password)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import security
from api.console.templating import render
from api.console.throttle import wait_phrase
from api.deps import ConsoleForm, ConsoleSessionDep, SettingsDep, StaffUser
from api.rate_limit import RateLimited
from bot.staff import accounts, sessions
from bot.staff.errors import InvalidStaffInput, WrongPassword
from bot.staff.sessions import StaffIdentity

router = APIRouter(include_in_schema=False)

PAGE = "/console/account"
NOTICES = {"password": "Your password was changed. You were logged out on every other device."}


def _page(
    request: Request, session: Session, staff: StaffIdentity, *, status_code: int = 200,
    error: str | None = None, notice: str | None = None, headers: dict[str, str] | None = None,
) -> HTMLResponse:
    return render(
        request, "console/account.html", status_code=status_code, headers=headers, staff=staff, active="account",
        account=accounts.get_staff(session, staff_id=staff.staff_id), min_password=accounts.MIN_PASSWORD_CHARS,
        error=error, notice=notice,
    )


@router.get(PAGE, response_class=HTMLResponse)
def account_page(request: Request, session: ConsoleSessionDep, staff: StaffUser, done: str | None = None) -> HTMLResponse:
    return _page(request, session, staff, notice=NOTICES.get(done or ""))


@router.post(PAGE + "/password", response_class=HTMLResponse)
def change_password(
    request: Request, session: ConsoleSessionDep, settings: SettingsDep, staff: StaffUser, form: ConsoleForm
) -> Response:
    # Guessing the current password from a borrowed session counts as failed logins of the account.
    throttle, ip = request.app.state.login_throttle, security.client_ip(request)
    new_password = form.get("new_password", "")
    if new_password != form.get("repeat_password", ""):
        return _page(request, session, staff, status_code=400, error="The two new passwords are not the same.")
    try:
        throttle.attempt(email=staff.email, ip=ip)  # counted before the password is checked: no racing past it
    except RateLimited as exc:
        return _page(request, session, staff, status_code=429, headers={"Retry-After": str(exc.retry_after)},
                     error=f"Too many wrong passwords. Please try again in {wait_phrase(exc.retry_after)}.")
    try:
        with session.begin_nested():  # a refused change leaves nothing half-done
            accounts.change_own_password(session, staff_id=staff.staff_id, new_password=new_password,
                                         current_password=form.get("current_password", ""))
    except WrongPassword:
        return _page(request, session, staff, status_code=400, error="The current password is wrong.")
    except InvalidStaffInput as exc:
        throttle.refund(email=staff.email, ip=ip)  # the current password was not judged wrong
        message = str(exc)
        return _page(request, session, staff, status_code=400, error=message[0].upper() + message[1:] + ".")
    throttle.succeeded(email=staff.email, ip=ip)
    # Every session ended with the old password; this browser gets a new one.
    token = sessions.start_session(session, staff_id=staff.staff_id, user_agent=request.headers.get("user-agent"), ip=ip)
    response = RedirectResponse(f"{PAGE}?done=password", status_code=303)
    security.set_session_cookie(response, token, settings)
    return response
