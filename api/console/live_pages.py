"""Live handoff pages: the queue at /console/live and one chat at /console/live/{id}."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.console.ids import row_id
from api.console.live_api import REPLY_MAX_CHARS
from api.console.live_models import LiveHandoffOut, LiveQueueOut, message_out
from api.console.templating import render
from api.deps import ConsoleSessionDep, StaffUser
from bot.handoff_sessions import ChatAccess, HandoffNotFound, chat_access, get_live_handoff, holder_name, live_queue, waiting_count
from bot.transcripts.chat import chat_messages
from bot.transcripts.store import get_tracker_engine

router = APIRouter(include_in_schema=False)


@router.get("/console/live", response_class=HTMLResponse)
def queue_page(request: Request, session: ConsoleSessionDep, staff: StaffUser) -> HTMLResponse:
    queue = LiveQueueOut.of(live_queue(session), staff_name=staff.name)
    return render(request, "console/live_queue.html", staff=staff, active="live", queue=queue,
                  live_waiting=queue.waiting)


@router.get("/console/live/{handoff_id}", response_class=HTMLResponse)
def chat_page(request: Request, handoff_id: str, session: ConsoleSessionDep, staff: StaffUser) -> HTMLResponse:
    number = row_id(handoff_id)
    try:
        if number is None:
            raise HandoffNotFound(0)
        live = get_live_handoff(session, handoff_id=number)
    except HandoffNotFound:
        return render(request, "console/error.html", status_code=404, staff=staff, active="live",
                      title="Not found", message="there is no such handoff request")
    # The holder reads the chat unmasked; others a masked preview of an open request; nobody a closed one here.
    access = chat_access(live, staff_name=staff.name)
    messages = []
    if access != ChatAccess.NONE:
        with get_tracker_engine().connect() as conn:
            messages = [message_out(m, masked=access != ChatAccess.FULL)
                        for m in chat_messages(conn, sender_id=live.sender_id)]
    seqs = [m.seq for m in messages if m.seq is not None]
    return render(
        request, "console/live_chat.html", staff=staff, active="live", handoff=LiveHandoffOut.of(live, access=access),
        messages=messages, last_seq=max(seqs, default=0), me=holder_name(staff.name),
        reply_max=REPLY_MAX_CHARS, live_waiting=waiting_count(session),
    )
