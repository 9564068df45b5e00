"""The live queue: open handoff requests (waiting and taken), oldest first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.handoff_sessions.errors import HandoffNotFound
from bot.handoff_sessions.views import LiveHandoff, live_views
from bot.models import OPEN_HANDOFF_STATUSES, HandoffRequest, HandoffStatus

QUEUE_LIMIT = 100


@dataclass(frozen=True, slots=True)
class LiveQueue:
    waiting: int
    taken: int
    entries: tuple[LiveHandoff, ...]  # oldest first, at most the limit asked for


def open_counts(session: Session) -> tuple[int, int]:
    """How many requests are waiting, and how many taken."""
    counts = dict(session.execute(
        select(HandoffRequest.status, func.count(HandoffRequest.id))
        .where(HandoffRequest.status.in_(OPEN_HANDOFF_STATUSES)).group_by(HandoffRequest.status)
    ).all())
    return counts.get(HandoffStatus.WAITING, 0), counts.get(HandoffStatus.TAKEN, 0)


def open_requests(session: Session, *, limit: int) -> list[HandoffRequest]:
    """Waiting and taken requests, oldest first."""
    return list(session.scalars(
        select(HandoffRequest).where(HandoffRequest.status.in_(OPEN_HANDOFF_STATUSES))
        .order_by(HandoffRequest.created_at, HandoffRequest.id).limit(limit)
    ))


def live_queue(session: Session, *, limit: int = QUEUE_LIMIT) -> LiveQueue:
    """Waiting and taken requests, oldest first, with counts and each one's verified order."""
    waiting, taken = open_counts(session)
    return LiveQueue(waiting=waiting, taken=taken, entries=tuple(live_views(session, open_requests(session, limit=limit))))


def waiting_count(session: Session) -> int:
    """How many requests wait for an agent."""
    return session.scalar(
        select(func.count(HandoffRequest.id)).where(HandoffRequest.status == HandoffStatus.WAITING)
    ) or 0


def get_live_handoff(session: Session, *, handoff_id: int) -> LiveHandoff:
    """One request (open or not) with its verified order; ``HandoffNotFound`` if there is none."""
    row = session.get(HandoffRequest, handoff_id, populate_existing=True)
    if row is None:
        raise HandoffNotFound(handoff_id)
    return live_views(session, [row])[0]


def is_held_by_agent(session: Session, *, sender_id: str) -> bool:
    """True while an agent holds the conversation (the bot is paused for it)."""
    found = session.scalar(
        select(HandoffRequest.id)
        .where(HandoffRequest.sender_id == sender_id, HandoffRequest.status == HandoffStatus.TAKEN)
        .limit(1)
    )
    return found is not None
