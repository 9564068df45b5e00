"""Per-segment wording in the console: the list (staff), new, edit and delete (admins)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console.errors import as_sentence
from api.console.ids import RowId
from api.console.templating import render
from api.deps import AdminUser, ConsoleForm, ConsoleSessionDep, StaffUser
from bot.experiments import (
    LANGUAGES, InvalidWording, WordingConflict, WordingInput, WordingNotFound, delete_wording, domain_texts,
    experimentable_responses, list_wordings, save_wording,
)
from bot.segments import SEGMENTS
from bot.staff.sessions import StaffIdentity

router = APIRouter(include_in_schema=False)

PAGE = "/console/segment-wording"
NOTICES = {"saved": "Saved: that segment's verified customers see this text from their next message.",
           "deleted": "Deleted: that segment sees the domain's text again."}


def _input(form: dict[str, str]) -> WordingInput:
    return WordingInput(response=form.get("response", ""), language=form.get("language", ""),
                        segment=form.get("segment", ""), text=form.get("text", ""))


def _page(request: Request, session: Session, staff: StaffIdentity, *, status_code: int = 200,
          error: str | None = None, notice: str | None = None, values: dict[str, str] | None = None) -> HTMLResponse:
    texts = domain_texts()
    return render(request, "console/segment_wording.html", status_code=status_code, staff=staff,
                  active="experiments", wordings=list_wordings(session),
                  responses=[(name, texts[name]) for name in experimentable_responses()], languages=LANGUAGES,
                  segments=SEGMENTS, error=error, notice=notice, values={"language": "en", **(values or {})})


def _save(request: Request, session: Session, staff: StaffIdentity, form: dict[str, str],
          wording_id: int | None) -> Response:
    values = {k: v for k, v in form.items() if k != "csrf_token"}
    try:
        save_wording(session, data=_input(form), updated_by=staff.email, wording_id=wording_id)
    except InvalidWording as exc:
        return _page(request, session, staff, status_code=400, error=as_sentence(exc), values=values)
    except WordingConflict as exc:
        return _page(request, session, staff, status_code=409, error=as_sentence(exc), values=values)
    except WordingNotFound as exc:
        return _page(request, session, staff, status_code=404, error=as_sentence(exc))
    return RedirectResponse(f"{PAGE}?done=saved", status_code=303)


@router.get(PAGE, response_class=HTMLResponse)
def wording_page(request: Request, session: ConsoleSessionDep, staff: StaffUser,
                 done: str | None = None) -> HTMLResponse:
    return _page(request, session, staff, notice=NOTICES.get(done or ""))


@router.post(PAGE, response_class=HTMLResponse)
def create(request: Request, session: ConsoleSessionDep, staff: AdminUser, form: ConsoleForm) -> Response:
    return _save(request, session, staff, form, None)


@router.post(PAGE + "/{wording_id}", response_class=HTMLResponse)
def edit(request: Request, session: ConsoleSessionDep, staff: AdminUser, form: ConsoleForm,
         wording_id: RowId) -> Response:
    return _save(request, session, staff, form, wording_id)


@router.post(PAGE + "/{wording_id}/delete", response_class=HTMLResponse)
def delete(request: Request, session: ConsoleSessionDep, staff: AdminUser, wording_id: RowId) -> Response:
    try:
        delete_wording(session, wording_id=wording_id)
    except WordingNotFound:
        pass  # deleted already (two admins, or a double click)
    return RedirectResponse(f"{PAGE}?done=deleted", status_code=303)
