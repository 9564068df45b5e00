"""Taking a waiting conversation, answering in it, handing it back or closing it.

Every change of status is one conditional UPDATE (``... WHERE status = <expected>``),
so two agents clicking at once cannot both win, whatever their sessions have cached:
the database decides, and the loser learns who was first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.handoff_sessions.errors import AlreadyTaken, NotHolder, NotTaken, NotWaiting
from bot.handoff_sessions.queue import get_live_handoff
from bot.handoff_sessions.views import LiveHandoff
from bot.models import HandoffRequest, HandoffStatus
from bot.staff.clock import current

TAKEN_BY_MAX_CHARS = 80  # HandoffRequest.taken_by


def holder_name(staff_name: str) -> str:
    """How ``taken_by`` records a staff member."""
    return staff_name.strip()[:TAKEN_BY_MAX_CHARS]


def _switch(
    session: Session, *, handoff_id: int, expected: HandoffStatus, values: dict[str, Any], holder: str | None = None
) -> bool:
    """Write ``values`` if the request still has status ``expected`` (and holder ``holder``)."""
    stmt = update(HandoffRequest).where(HandoffRequest.id == handoff_id, HandoffRequest.status == expected)
    if holder is not None:
        stmt = stmt.where(HandoffRequest.taken_by == holder)
    result = session.execute(stmt.values(**values).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _from_waiting(session: Session, *, handoff_id: int, values: dict) -> LiveHandoff:
    """Move a waiting request on; ``AlreadyTaken`` (naming the holder) or ``NotWaiting`` if it wasn't waiting."""
    won = _switch(session, handoff_id=handoff_id, expected=HandoffStatus.WAITING, values=values)
    live = get_live_handoff(session, handoff_id=handoff_id)
    if won:
        return live
    if live.status == HandoffStatus.TAKEN.value:
        raise AlreadyTaken(live.taken_by)
    raise NotWaiting(live.status)


def take_handoff(session: Session, *, handoff_id: int, agent_name: str) -> LiveHandoff:
    """Give a waiting request to the agent; ``AlreadyTaken`` names whoever was first."""
    return _from_waiting(session, handoff_id=handoff_id,
                         values={"status": HandoffStatus.TAKEN, "taken_by": holder_name(agent_name)})


def release_take(session: Session, *, handoff_id: int, agent_name: str) -> bool:
    """Undo a take whose pause did not reach the bot: waiting again, if the agent still holds it."""
    return _switch(session, handoff_id=handoff_id, expected=HandoffStatus.TAKEN, holder=holder_name(agent_name),
                   values={"status": HandoffStatus.WAITING, "taken_by": None})


def ensure_holder(
    session: Session, *, handoff_id: int, agent_name: str, may_override: bool = False
) -> LiveHandoff:
    """The request, if it is taken and ``agent_name`` holds it (or ``may_override``); else ``NotTaken`` or ``NotHolder``."""
    live = get_live_handoff(session, handoff_id=handoff_id)
    if live.status != HandoffStatus.TAKEN.value:
        raise NotTaken(live.status)
    if live.taken_by != holder_name(agent_name) and not may_override:
        raise NotHolder(live.taken_by)
    return live


def hand_back(
    session: Session, *, handoff_id: int, agent_name: str, may_override: bool = False, now: datetime | None = None
) -> LiveHandoff:
    """Close a taken request so the bot answers again; only its holder may, or anyone ``may_override``."""
    live = ensure_holder(session, handoff_id=handoff_id, agent_name=agent_name, may_override=may_override)
    won = _switch(session, handoff_id=handoff_id, expected=HandoffStatus.TAKEN, holder=live.taken_by,
                  values={"status": HandoffStatus.CLOSED, "closed_at": current(now)})
    closed = get_live_handoff(session, handoff_id=handoff_id)
    if not won:
        raise NotTaken(closed.status)
    return closed


def undo_hand_back(session: Session, *, handoff_id: int, taken_by: str | None) -> bool:
    """Reopen a just-closed request as taken (the bot could not be told to answer again)."""
    return _switch(session, handoff_id=handoff_id, expected=HandoffStatus.CLOSED,
                   values={"status": HandoffStatus.TAKEN, "taken_by": taken_by, "closed_at": None})


def close_waiting(session: Session, *, handoff_id: int, now: datetime | None = None) -> LiveHandoff:
    """Close a request nobody took (the visitor left, or it was a mistake); taken ones are handed back instead."""
    return _from_waiting(session, handoff_id=handoff_id,
                         values={"status": HandoffStatus.CLOSED, "closed_at": current(now)})
