"""Transcripts in the console: the conversation list, one conversation, and the review actions on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from datetime import date
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from api.console.errors import as_sentence
from api.console.ids import EventId
from api.console.templating import render
from api.deps import ConsoleForm, ConsoleSessionDep, StaffUser, TrackerDep
from bot.analytics.period import FIRST_DAY, LAST_DAY
from bot.assistant_domain import assistant_domain
from bot.conversation_refs import conversation_ref, resolve_ref
from bot.review import reviews
from bot.review.conversation import conversation_detail, relabel
from bot.review.errors import ConversationNotFound, InvalidReviewInput, MessageNotFound, ReviewError
from bot.review.listing import ListQuery, conversation_list
from bot.settings import get_settings
from bot.staff.sessions import StaffIdentity
from bot.transcripts.conversations import conversation_exists

router = APIRouter(include_in_schema=False)

PAGE = "/console/conversations"
PER_PAGE = 25
# Notices are chosen by code so the query string cannot put text on the page.
NOTICES = {
    "reviewed": "Marked as reviewed.",
    "unreviewed": "Marked as not reviewed.",
    "tagged": "Tag added.",
    "untagged": "Tag removed.",
    "noted": "Note added.",
    "relabelled": "Message relabelled. It is included in the NLU export.",
}
_YES_NO = {"yes": True, "no": False}


def conversation_url(ref: str) -> str:
    """A conversation's console URL, by its ref (bot/conversation_refs.py), never by its sender id."""
    return f"{PAGE}/{quote(ref, safe='')}"


def _conversation(ref: str, session: ConsoleSessionDep, _staff: StaffUser) -> str:
    """The sender id behind the URL's ref (after the login check); ``UnknownRef`` becomes a 404."""
    return resolve_ref(session, ref=ref)


# The {ref} of a console URL, resolved to the sender id the services work with.
SenderOf = Annotated[str, Depends(_conversation)]


def _zone() -> ZoneInfo:
    return ZoneInfo(get_settings().support_timezone)


def _day(raw: str, label: str, problems: list[str]) -> date | None:
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        problems.append(f"{label} is not a date like 2025-03-31")
        return None
    if not FIRST_DAY <= day <= LAST_DAY:  # the calendar's ends overflow the listing's time arithmetic
        problems.append(f"{label} must be a day between {FIRST_DAY} and {LAST_DAY}")
        return None
    return day


def _threshold(raw: str, problems: list[str]) -> float | None:
    if not raw:
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        problems.append("the confidence threshold is a number between 0 and 1, e.g. 0.6")
        return None
    return value


def _query(params: dict[str, str], problems: list[str]) -> ListQuery:
    intent = params.get("intent", "")
    return ListQuery(
        text=params.get("q", ""),
        since=_day(params.get("since", ""), "'From'", problems),
        until=_day(params.get("until", ""), "'To'", problems),
        intent=intent if intent in assistant_domain().intents else None,
        fallback=_YES_NO.get(params.get("fallback", "")),
        confidence_below=_threshold(params.get("below", ""), problems),
        handoff=_YES_NO.get(params.get("handoff", "")),
        reviewed=_YES_NO.get(params.get("reviewed", "")),
        tag=params.get("tag") or None,
    )


_FILTER_KEYS = ("q", "since", "until", "intent", "fallback", "below", "handoff", "reviewed", "tag")


def _page_number(raw: str) -> int:
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


@router.get(PAGE, response_class=HTMLResponse)
def conversation_list_page(
    request: Request, session: ConsoleSessionDep, staff: StaffUser, conn: TrackerDep
) -> HTMLResponse:
    params = {k: request.query_params.get(k, "").strip()[:200] for k in _FILTER_KEYS}
    problems: list[str] = []
    query = _query(params, problems)
    page = _page_number(request.query_params.get("page", ""))
    try:
        listing = conversation_list(session, conn, query=query, zone=_zone(), masked=not staff.is_admin,
                                    page=page, per_page=PER_PAGE)
    except InvalidReviewInput as exc:
        problems.append(str(exc))
        listing = conversation_list(session, conn, query=ListQuery(), zone=_zone(), masked=not staff.is_admin,
                                    page=1, per_page=PER_PAGE)
        params = dict.fromkeys(_FILTER_KEYS, "")
    kept = {k: v for k, v in params.items() if v}

    def page_url(number: int) -> str:
        return PAGE + "?" + urlencode({**kept, "page": number}) if number > 1 else PAGE + (
            "?" + urlencode(kept) if kept else "")

    return render(
        request, "console/conversations.html", status_code=400 if problems else 200, staff=staff,
        active="conversations", listing=listing, params=params, filtered=bool(kept), problems=problems,
        intents=assistant_domain().intents, tags=reviews.all_tags(session), page_url=page_url,
        conversation_url=conversation_url,
    )


def _detail_page(
    request: Request, session: Session, conn: Connection, staff: StaffIdentity, sender_id: str, *,
    status_code: int = 200, error: str | None = None, notice: str | None = None, error_event: int | None = None,
) -> HTMLResponse:
    try:
        detail = conversation_detail(session, conn, sender_id=sender_id, masked=not staff.is_admin)
    except ConversationNotFound:
        return not_found(request, staff)
    return render(
        request, "console/conversation.html", status_code=status_code, staff=staff, active="conversations",
        detail=detail, ref=detail.ref, base_url=conversation_url(detail.ref), error=error, notice=notice,
        error_event=error_event, intents=assistant_domain().trainable_intents, entities=assistant_domain().entities,
        all_tags=reviews.all_tags(session),
    )


def not_found(request: Request, staff: object) -> HTMLResponse:
    return render(request, "console/error.html", status_code=404, staff=staff, title="Not found",
                  message="there is no conversation with this reference (it may have been deleted)")


@router.get(PAGE + "/{ref}", response_class=HTMLResponse)
def conversation_page(
    request: Request, session: ConsoleSessionDep, staff: StaffUser, conn: TrackerDep, sender_id: SenderOf,
    done: str | None = None,
) -> HTMLResponse:
    return _detail_page(request, session, conn, staff, sender_id, notice=NOTICES.get(done or ""))


def _act(
    request: Request, session: Session, conn: Connection, staff: StaffIdentity, sender_id: str, code: str,
    change: Callable[[], object], *, anchor: str = "review", event_id: int | None = None,
) -> Response:
    if not conversation_exists(conn, sender_id=sender_id):
        return not_found(request, staff)
    try:
        # A savepoint: a refused change leaves nothing half-done in the request's transaction.
        with session.begin_nested():
            change()
    except MessageNotFound as exc:
        return _detail_page(request, session, conn, staff, sender_id, status_code=404, error=as_sentence(exc))
    except ReviewError as exc:
        return _detail_page(request, session, conn, staff, sender_id, status_code=400, error=as_sentence(exc),
                            error_event=event_id)
    return RedirectResponse(f"{conversation_url(conversation_ref(sender_id))}?done={code}#{anchor}", status_code=303)


@router.post(PAGE + "/{ref}/reviewed", response_class=HTMLResponse)
def mark_reviewed(
    request: Request, session: ConsoleSessionDep, staff: StaffUser, form: ConsoleForm, conn: TrackerDep,
    sender_id: SenderOf,
) -> Response:
    reviewed = form.get("reviewed", "1") != "0"
    return _act(request, session, conn, staff, sender_id, "reviewed" if reviewed else "unreviewed",
                lambda: reviews.set_reviewed(session, sender_id=sender_id, reviewed=reviewed, by=staff.name))


@router.post(PAGE + "/{ref}/tags", response_class=HTMLResponse)
def add_tag(
    request: Request, session: ConsoleSessionDep, staff: StaffUser, form: ConsoleForm, conn: TrackerDep,
    sender_id: SenderOf,
) -> Response:
    return _act(request, session, conn, staff, sender_id, "tagged",
                lambda: reviews.add_tag(session, sender_id=sender_id, tag=form.get("tag", ""), by=staff.name))


@router.post(PAGE + "/{ref}/tags/remove", response_class=HTMLResponse)
def remove_tag(
    request: Request, session: ConsoleSessionDep, staff: StaffUser, form: ConsoleForm, conn: TrackerDep,
    sender_id: SenderOf,
) -> Response:
    return _act(request, session, conn, staff, sender_id, "untagged",
                lambda: reviews.remove_tag(session, sender_id=sender_id, tag=form.get("tag", "")))


@router.post(PAGE + "/{ref}/notes", response_class=HTMLResponse)
def add_note(
    request: Request, session: ConsoleSessionDep, staff: StaffUser, form: ConsoleForm, conn: TrackerDep,
    sender_id: SenderOf,
) -> Response:
    return _act(request, session, conn, staff, sender_id, "noted",
                lambda: reviews.add_note(session, sender_id=sender_id, text=form.get("text", ""), author=staff.name),
                anchor="notes")


@router.post(PAGE + "/{ref}/messages/{event_id}/relabel", response_class=HTMLResponse)
def relabel_message(
    request: Request, session: ConsoleSessionDep, staff: StaffUser, form: ConsoleForm, conn: TrackerDep,
    sender_id: SenderOf, event_id: EventId,
) -> Response:
    return _act(
        request, session, conn, staff, sender_id, "relabelled",
        lambda: relabel(session, conn, sender_id=sender_id, event_id=event_id, intent=form.get("intent", ""),
                        markup=form.get("markup", ""), masked=not staff.is_admin, author=staff.name,
                        domain=assistant_domain()),
        anchor=f"m-{event_id}", event_id=event_id,
    )
