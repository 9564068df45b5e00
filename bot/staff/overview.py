"""What the console's home page shows: the handoff queue as it stands now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.handoff import is_staffed, next_staffed_opening
from bot.handoff_sessions.queue import open_counts, open_requests
from bot.models import HandoffReason, HandoffRequest, HandoffStatus
from bot.staff.clock import aware, current

MESSAGES_LEFT_DAYS = 7


@dataclass(frozen=True, slots=True)
class OpenHandoff:
    id: int
    status: str
    reason: str
    created_at: datetime
    taken_by: str | None
    verified_order_number: str | None


@dataclass(frozen=True, slots=True)
class SupportOverview:
    waiting: int
    taken: int
    messages_left: int  # in the last MESSAGES_LEFT_DAYS days
    oldest_waiting_at: datetime | None
    open_requests: tuple[OpenHandoff, ...]  # oldest first, at most ``limit``
    staffed_now: bool
    next_opening: datetime | None


def support_overview(session: Session, *, now: datetime | None = None, limit: int = 20) -> SupportOverview:
    """Counts of waiting and taken handoffs, recent messages left, and the oldest open requests."""
    moment = current(now)
    waiting, taken = open_counts(session)
    oldest = session.scalar(
        select(func.min(HandoffRequest.created_at)).where(HandoffRequest.status == HandoffStatus.WAITING)
    )
    messages_left = session.scalar(
        select(func.count(HandoffRequest.id)).where(
            HandoffRequest.status == HandoffStatus.MESSAGE_LEFT,
            HandoffRequest.created_at >= moment - timedelta(days=MESSAGES_LEFT_DAYS),
        )
    ) or 0
    listed = tuple(
        OpenHandoff(
            id=r.id, status=HandoffStatus(r.status).value, reason=HandoffReason(r.reason).value,
            created_at=aware(r.created_at), taken_by=r.taken_by, verified_order_number=r.verified_order_number,
        )
        for r in open_requests(session, limit=limit)
    )
    if isinstance(oldest, str):  # SQLite's MIN() over a DateTime column comes back as text
        oldest = datetime.fromisoformat(oldest)
    return SupportOverview(
        waiting=waiting, taken=taken,
        messages_left=messages_left, oldest_waiting_at=aware(oldest), open_requests=listed,
        staffed_now=is_staffed(moment), next_opening=next_staffed_opening(moment),
    )
