"""Downloads and erasure of conversations: NLU/story YAML for staff; personal-data export and delete for admins."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.console.conversations import PAGE, SenderOf, conversation_url, not_found
from api.console.templating import render
from api.deps import AdminUser, ConsoleForm, ConsoleSessionDep, StaffUser, TrackerDep
from bot.assistant_domain import assistant_domain
from bot.conversation_refs import conversation_ref
from bot.review.erasure import conversation_record, erase_conversation, erasure_preview, recent_deletions
from bot.review.errors import ConversationNotFound
from bot.review.exports import conversation_story_yaml, corrections_yaml
from bot.transcripts.conversations import conversation_exists

router = APIRouter(include_in_schema=False)

YAML_TYPE = "application/x-yaml; charset=utf-8"


def _attachment(body: str, filename: str, media_type: str) -> Response:
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _file_part(sender_id: str) -> str:
    """The conversation's part of a download's file name: its ref, never the sender id."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", conversation_ref(sender_id))[:40] or "conversation"


_not_found = not_found


@router.get("/console/corrections/nlu.yml")
def all_corrections_yaml(session: ConsoleSessionDep, staff: StaffUser) -> Response:
    """Every relabelled message as Rasa NLU training data."""
    body = corrections_yaml(session, stand_ins=not staff.is_admin)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d")
    return _attachment(body, f"nlu_corrections_{stamp}.yml", YAML_TYPE)


@router.get(PAGE + "/{ref}/nlu.yml")
def conversation_corrections_yaml(
    request: Request, session: ConsoleSessionDep, staff: StaffUser, conn: TrackerDep, sender_id: SenderOf
) -> Response:
    if not conversation_exists(conn, sender_id=sender_id):
        return _not_found(request, staff)
    body = corrections_yaml(session, stand_ins=not staff.is_admin, sender_id=sender_id)
    return _attachment(body, f"nlu_{_file_part(sender_id)}.yml", YAML_TYPE)


@router.get(PAGE + "/{ref}/story.yml")
def conversation_story(
    request: Request, session: ConsoleSessionDep, staff: StaffUser, conn: TrackerDep, sender_id: SenderOf
) -> Response:
    try:
        body = conversation_story_yaml(session, conn, sender_id=sender_id, stand_ins=not staff.is_admin,
                                       domain=assistant_domain())
    except ConversationNotFound:
        return _not_found(request, staff)
    return _attachment(body, f"story_{_file_part(sender_id)}.yml", YAML_TYPE)


@router.get(PAGE + "/{ref}/data.json")
def personal_data_export(
    request: Request, session: ConsoleSessionDep, staff: AdminUser, conn: TrackerDep, sender_id: SenderOf
) -> Response:
    """Everything stored for the conversation id (a data subject's access request)."""
    record = conversation_record(session, conn, sender_id=sender_id)
    if not record["tracker_events"] and not conversation_exists(conn, sender_id=sender_id):
        return _not_found(request, staff)
    body = json.dumps(record, ensure_ascii=False, indent=2, default=str)
    return _attachment(body, f"conversation_{_file_part(sender_id)}.json", "application/json")


@router.get(PAGE + "/{ref}/delete", response_class=HTMLResponse)
def confirm_delete(
    request: Request, session: ConsoleSessionDep, staff: AdminUser, conn: TrackerDep, sender_id: SenderOf
) -> HTMLResponse:
    preview = erasure_preview(session, conn, sender_id=sender_id)
    if not preview.events and not preview.review_rows and not preview.other_rows:
        return _not_found(request, staff)
    return render(request, "console/conversation_delete.html", staff=staff, active="conversations",
                  preview=preview, base_url=conversation_url(preview.ref), error=None)


@router.post(PAGE + "/{ref}/delete", response_class=HTMLResponse)
def delete_conversation(
    request: Request, session: ConsoleSessionDep, staff: AdminUser, form: ConsoleForm, conn: TrackerDep,
    sender_id: SenderOf,
) -> Response:
    preview = erasure_preview(session, conn, sender_id=sender_id)
    if form.get("confirm") != "yes":
        return render(request, "console/conversation_delete.html", status_code=400, staff=staff,
                      active="conversations", preview=preview, base_url=conversation_url(preview.ref),
                      error="Tick the box to confirm that everything about this conversation is deleted for good.")
    if not preview.events and not preview.review_rows and not preview.other_rows:
        return _not_found(request, staff)
    erase_conversation(session, conn, sender_id=sender_id, by_email=staff.email)
    # Two databases: the tracker first, so a failure there leaves the review data and no audit record;
    # the session (review data, audit) commits right after this route returns.
    conn.commit()
    return RedirectResponse(f"{PAGE}?deleted=1", status_code=303)


@router.get("/console/deletions", response_class=HTMLResponse)
def deletions_page(request: Request, session: ConsoleSessionDep, staff: AdminUser) -> HTMLResponse:
    """The audit trail of erased conversations."""
    return render(request, "console/deletions.html", staff=staff, active="conversations",
                  deletions=recent_deletions(session, limit=100))
