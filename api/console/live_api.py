"""JSON routes of the live handoff under /api/console/live: queue, follow a chat, take, reply, hand back.

Each change is first decided in the shop DB (one conditional UPDATE, committed at
once so a second agent sees it), then told to Rasa by appending tracker events:
``pause`` + a system note on take, agent messages as bot events, a note + ``resume``
on hand back. If Rasa cannot be reached the DB change is undone, so the queue
never says "taken" while the bot still answers (or "closed" while it stays silent).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.console.ids import AfterSeq, RowId
from api.console.live_models import LiveHandoffOut, LiveMessagesOut, LiveQueueOut, handoff_state, message_out
from api.deps import ConsoleForm, ConsoleSessionDep, HubDep, RasaDep, StaffUser
from api.errors import error_responses
from api.rasa_client import PAUSE, RESUME, RasaUnavailable, bot_event
from api.schemas import ChatMessageOut
from bot.handoff_sessions import (
    CLOSED_NOTE,
    ChatAccess,
    HandoffNotFound,
    HandoffSessionError,
    NotHolder,
    chat_access,
    close_waiting,
    display_name,
    ensure_holder,
    get_live_handoff,
    hand_back,
    joined_note,
    left_note,
    live_queue,
    release_take,
    take_handoff,
    undo_hand_back,
    waiting_count,
)
from bot.transcripts.chat import chat_messages
from bot.transcripts.store import get_tracker_engine

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api/console/live", tags=["console"])

# Like the widget's long poll (api/routes/sessions.py): re-read the store this often
# even without a wake-up (another replica may have stored the message).
RECHECK_SECONDS = 5.0
MAX_WAIT = 25
REPLY_MAX_CHARS = 2000
T = TypeVar("T")


async def _db(session: Session, work: Callable[[], T]) -> T:
    """Run ``work`` in a worker thread and commit, so the next agent sees the change at once.

    Committing also hands the connection back before any wait or call to Rasa.
    """
    def run() -> T:
        try:
            result = work()
            session.commit()
        except BaseException:
            session.rollback()
            raise
        return result

    try:
        return await run_in_threadpool(run)
    except HandoffSessionError as exc:
        code = 404 if isinstance(exc, HandoffNotFound) else 403 if isinstance(exc, NotHolder) else 409
        raise HTTPException(code, str(exc)) from exc


def _read(sender_id: str, after: int, access: ChatAccess) -> list[ChatMessageOut]:
    """The chat after ``after`` as ``access`` allows: unmasked for the holder, masked preview, or nothing."""
    if access == ChatAccess.NONE:
        return []
    with get_tracker_engine().connect() as conn:
        messages = chat_messages(conn, sender_id=sender_id, after=after)
    return [message_out(m, masked=access != ChatAccess.FULL) for m in messages]


async def _append(request: Request, rasa, sender_id: str, events: list[dict]) -> None:
    # The widget's per-conversation lock: agent messages and visitor sends are stored in turn.
    async with request.app.state.session_locks.hold(sender_id):
        await rasa.append_events(sender_id=sender_id, events=events)
    request.app.state.hub.wake(sender_id)


def _unreachable(what: str) -> HTTPException:
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, f"the assistant service is unreachable, {what}; "
                                                              "try again in a moment")


@router.get("/queue", response_model=LiveQueueOut, responses=error_responses(401))
def queue(session: ConsoleSessionDep, staff: StaffUser) -> LiveQueueOut:
    """Waiting and taken conversations, oldest first, with counts (personal data only on your own chats)."""
    return LiveQueueOut.of(live_queue(session), staff_name=staff.name)


@router.get("/{handoff_id}/messages", response_model=LiveMessagesOut, responses=error_responses(401, 404, 422))
async def follow(
    handoff_id: RowId, session: ConsoleSessionDep, staff: StaffUser, hub: HubDep,
    after: AfterSeq = 0,
    wait: Annotated[int, Query(ge=0, le=MAX_WAIT, description="Seconds to wait for news (long poll)")] = 0,
    state: Annotated[str | None, Query(max_length=120, description="The `state` last seen")] = None,
) -> LiveMessagesOut:
    """The chat's messages after ``after`` and the request's state; waits for either to change.

    Only the agent holding the open chat reads it unmasked; others get a masked preview of an
    open request, and nothing of a closed one (its review page is ``handoff.review_url``).
    """
    live = await _db(session, lambda: get_live_handoff(session, handoff_id=handoff_id))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    with hub.subscribe(live.sender_id) as frames:
        while True:
            access = chat_access(live, staff_name=staff.name)
            messages = await run_in_threadpool(_read, live.sender_id, after, access)
            changed = state is not None and handoff_state(live) != state
            remaining = deadline - loop.time()
            if messages or changed or remaining <= 0:
                seqs = [m.seq for m in messages if m.seq is not None]
                waiting = await _db(session, lambda: waiting_count(session))
                return LiveMessagesOut(messages=messages, last_seq=max([after, *seqs]),
                                       handoff=LiveHandoffOut.of(live, access=access), waiting=waiting)
            try:
                await asyncio.wait_for(frames.get(), timeout=min(remaining, RECHECK_SECONDS))
            except TimeoutError:
                pass
            live = await _db(session, lambda: get_live_handoff(session, handoff_id=handoff_id))


@router.post("/{handoff_id}/take", response_model=LiveHandoffOut,
             responses=error_responses(401, 403, 404, 409, 422, 503))
async def take(
    handoff_id: RowId, request: Request, session: ConsoleSessionDep, staff: StaffUser, rasa: RasaDep
) -> LiveHandoffOut:
    """Join a waiting chat: the bot goes quiet and the visitor is told who joined."""
    live = await _db(session, lambda: take_handoff(session, handoff_id=handoff_id, agent_name=staff.name))
    note = bot_event(joined_note(display_name(staff.name)), sender="system")
    try:
        await _append(request, rasa, live.sender_id, [PAUSE, note])
    except RasaUnavailable:
        await _db(session, lambda: release_take(session, handoff_id=handoff_id, agent_name=staff.name))
        raise _unreachable("so the chat was not taken") from None
    return LiveHandoffOut.of(live, access=chat_access(live, staff_name=staff.name))


@router.post("/{handoff_id}/reply", response_model=LiveHandoffOut,
             responses=error_responses(401, 403, 404, 409, 422, 503))
async def reply(
    handoff_id: RowId, request: Request, session: ConsoleSessionDep, staff: StaffUser, form: ConsoleForm,
    rasa: RasaDep,
) -> LiveHandoffOut:
    """Say something to the visitor, as the agent holding the chat."""
    text = form.get("text", "").strip()
    if not text:
        raise HTTPException(422, "the reply is empty")
    if len(text) > REPLY_MAX_CHARS:
        raise HTTPException(422, f"a reply has at most {REPLY_MAX_CHARS} characters")
    live = await _db(session, lambda: ensure_holder(session, handoff_id=handoff_id, agent_name=staff.name))
    message = bot_event(text, sender="agent", agent_name=display_name(staff.name))
    try:
        await _append(request, rasa, live.sender_id, [message])
    except RasaUnavailable:
        raise _unreachable("so the reply was not sent") from None
    return LiveHandoffOut.of(live, access=chat_access(live, staff_name=staff.name))


@router.post("/{handoff_id}/typing", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
             responses=error_responses(401, 403, 404, 409, 422))
async def typing(
    handoff_id: RowId, request: Request, session: ConsoleSessionDep, staff: StaffUser, form: ConsoleForm
) -> Response:
    """Show or hide "typing" in the visitor's widget while the holder writes."""
    live = await _db(session, lambda: ensure_holder(session, handoff_id=handoff_id, agent_name=staff.name))
    request.app.state.hub.publish(live.sender_id, {"type": "typing", "from": "agent", "on": form.get("on") == "1"})
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{handoff_id}/hand-back", response_model=LiveHandoffOut,
             responses=error_responses(401, 403, 404, 409, 422, 503))
async def give_back(
    handoff_id: RowId, request: Request, session: ConsoleSessionDep, staff: StaffUser, rasa: RasaDep
) -> LiveHandoffOut:
    """Leave the chat: the visitor is told, and the bot answers again. Admins may do it for an agent."""
    live = await _db(session, lambda: hand_back(session, handoff_id=handoff_id, agent_name=staff.name,
                                                 may_override=staff.is_admin))
    note = bot_event(left_note(display_name(live.taken_by or staff.name)), sender="system")
    try:
        await _append(request, rasa, live.sender_id, [note, RESUME])
    except RasaUnavailable:
        await _db(session, lambda: undo_hand_back(session, handoff_id=handoff_id, taken_by=live.taken_by))
        raise _unreachable("so the chat is still yours") from None
    request.app.state.hub.publish(live.sender_id, {"type": "typing", "from": "agent", "on": False})
    return LiveHandoffOut.of(live, access=chat_access(live, staff_name=staff.name))


@router.post("/{handoff_id}/close", response_model=LiveHandoffOut,
             responses=error_responses(401, 403, 404, 409, 422))
async def close(
    handoff_id: RowId, request: Request, session: ConsoleSessionDep, staff: StaffUser, rasa: RasaDep
) -> LiveHandoffOut:
    """Take a waiting request off the queue without joining (the bot was never paused for it)."""
    live = await _db(session, lambda: close_waiting(session, handoff_id=handoff_id))
    try:
        await _append(request, rasa, live.sender_id, [bot_event(CLOSED_NOTE, sender="system")])
    except RasaUnavailable:
        logger.warning("closed handoff %s without telling the visitor: Rasa is unreachable", handoff_id)
    return LiveHandoffOut.of(live, access=chat_access(live, staff_name=staff.name))
