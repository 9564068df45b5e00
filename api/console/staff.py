"""Staff accounts page for admins: /console/staff (list, create, deactivate, change role)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console.ids import RowId
from api.console.templating import render
from api.deps import AdminUser, ConsoleForm, ConsoleSessionDep
from bot.staff import accounts
from bot.staff.errors import EmailTaken, InvalidStaffInput, StaffError, StaffNotFound
from bot.staff.sessions import StaffIdentity

router = APIRouter(include_in_schema=False)

PAGE = "/console/staff"
# Notices are chosen by code so the query string cannot put text on the page.
NOTICES = {
    "created": "The account was created. Its owner can log in now.",
    "deactivated": "The account was deactivated and logged out everywhere.",
    "reactivated": "The account was reactivated.",
    "role": "The role was changed.",
}


def _page(
    request: Request, session: Session, staff: StaffIdentity, *, status_code: int = 200,
    error: str | None = None, notice: str | None = None, values: dict[str, str] | None = None,
) -> HTMLResponse:
    return render(
        request, "console/staff.html", status_code=status_code, staff=staff, active="staff",
        accounts=accounts.list_staff(session), roles=accounts.ROLES, min_password=accounts.MIN_PASSWORD_CHARS,
        error=error, notice=notice, values=values or {"role": "agent"},
    )


def _done(code: str) -> RedirectResponse:
    return RedirectResponse(f"{PAGE}?done={code}", status_code=303)


def _status(exc: StaffError) -> int:
    if isinstance(exc, StaffNotFound):
        return 404
    return 400 if isinstance(exc, InvalidStaffInput) else 409


@router.get(PAGE, response_class=HTMLResponse)
def staff_page(request: Request, session: ConsoleSessionDep, staff: AdminUser, done: str | None = None) -> HTMLResponse:
    return _page(request, session, staff, notice=NOTICES.get(done or ""))


@router.post(PAGE, response_class=HTMLResponse)
def create_account(request: Request, session: ConsoleSessionDep, staff: AdminUser, form: ConsoleForm) -> Response:
    values = {"email": form.get("email", ""), "name": form.get("name", ""), "role": form.get("role", "agent")}
    try:
        accounts.create_staff(session, email=values["email"], name=values["name"], role=values["role"],
                              password=form.get("password", ""))
    except (EmailTaken, InvalidStaffInput) as exc:
        message = str(exc)
        return _page(request, session, staff, status_code=_status(exc), error=message[0].upper() + message[1:] + ".",
                     values=values)
    return _done("created")


def _change(
    request: Request, session: Session, staff: StaffIdentity, code: str, change: Callable[[], object]
) -> Response:
    try:
        # A savepoint: a refused change leaves nothing half-done in the request's transaction.
        with session.begin_nested():
            change()
    except StaffError as exc:
        message = str(exc)
        return _page(request, session, staff, status_code=_status(exc), error=message[0].upper() + message[1:] + ".")
    return _done(code)


@router.post(PAGE + "/{staff_id}/deactivate", response_class=HTMLResponse)
def deactivate_account(request: Request, session: ConsoleSessionDep, staff: AdminUser, staff_id: RowId) -> Response:
    return _change(request, session, staff, "deactivated",
                   lambda: accounts.deactivate_staff(session, staff_id=staff_id, by_staff_id=staff.staff_id))


@router.post(PAGE + "/{staff_id}/reactivate", response_class=HTMLResponse)
def reactivate_account(request: Request, session: ConsoleSessionDep, staff: AdminUser, staff_id: RowId) -> Response:
    return _change(request, session, staff, "reactivated",
                   lambda: accounts.reactivate_staff(session, staff_id=staff_id))


@router.post(PAGE + "/{staff_id}/role", response_class=HTMLResponse)
def change_role(
    request: Request, session: ConsoleSessionDep, staff: AdminUser, form: ConsoleForm, staff_id: RowId
) -> Response:
    role = form.get("role", "")
    return _change(request, session, staff, "role",
                   lambda: accounts.set_role(session, staff_id=staff_id, role=role, by_staff_id=staff.staff_id))
