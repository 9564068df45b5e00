"""Other shop-DB records that point at a conversation: handoff requests, the rating, throttle rows, returns,
A/B exposures, product card clicks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.models import (
    CardClick, ConversationRating, ExperimentExposure, HandoffRequest, ReturnRequest, UnmetSearch, VerificationFailure,
)
from bot.staff.clock import aware

_ratings = ConversationRating.__table__
# Rows that hold a conversation id and go when the conversation is erased.
_ERASED_WITH_CONVERSATION = (HandoffRequest, VerificationFailure, ConversationRating, UnmetSearch, ExperimentExposure,
                             CardClick)


@dataclass(frozen=True, slots=True)
class HandoffSummary:
    status: str
    reason: str
    created_at: datetime
    taken_by: str | None
    contact_email: str | None
    message: str | None


def has_ratings(session: Session) -> bool:
    """Can conversations be rated in this shop DB? (Always, since migration 0005.)"""
    return True


def ratings_of(session: Session, *, sender_ids: Iterable[str]) -> dict[str, int]:
    """The latest rating (1-5) of each rated conversation among ``sender_ids``."""
    ids = sorted(set(sender_ids))
    if not ids or not has_ratings(session):
        return {}
    rows = session.execute(
        select(_ratings.c.sender_id, _ratings.c.rating).where(_ratings.c.sender_id.in_(ids))
        .order_by(_ratings.c.created_at, _ratings.c.id)
    )
    return {row.sender_id: int(row.rating) for row in rows}


def rating_comment(session: Session, *, sender_id: str) -> tuple[int, str | None] | None:
    """The conversation's rating and comment, if it has one."""
    if not has_ratings(session):
        return None
    row = session.execute(
        select(_ratings.c.rating, _ratings.c.comment).where(_ratings.c.sender_id == sender_id)
        .order_by(_ratings.c.created_at.desc(), _ratings.c.id.desc()).limit(1)
    ).first()
    return (int(row.rating), row.comment) if row else None


def handoffs_of(session: Session, *, sender_id: str) -> list[HandoffSummary]:
    """The conversation's handoff requests, oldest first."""
    rows = session.scalars(select(HandoffRequest).where(HandoffRequest.sender_id == sender_id)
                           .order_by(HandoffRequest.created_at, HandoffRequest.id))
    return [HandoffSummary(status=_value(r.status), reason=_value(r.reason), created_at=aware(r.created_at),
                           taken_by=r.taken_by, contact_email=r.contact_email, message=r.message) for r in rows]


def _value(member: object) -> str:
    return str(getattr(member, "value", member))


def _iso(moment: datetime | None) -> str | None:
    return aware(moment).isoformat() if moment else None


def linked_records(session: Session, *, sender_id: str) -> dict[str, Any]:
    """Everything else the shop DB keeps about the conversation, as JSON-ready data."""
    record: dict[str, Any] = {
        "handoff_requests": [
            {"status": h.status, "reason": h.reason, "created_at": _iso(h.created_at), "taken_by": h.taken_by,
             "contact_email": h.contact_email, "message": h.message}
            for h in handoffs_of(session, sender_id=sender_id)
        ],
        "verification_failures": [
            {"order_number": v.order_number, "at": _iso(v.at)}
            for v in session.scalars(select(VerificationFailure).where(VerificationFailure.sender_id == sender_id)
                                     .order_by(VerificationFailure.at))
        ],
        "return_requests": [
            {"reference": r.reference, "status": _value(r.status), "created_at": _iso(r.created_at)}
            for r in session.scalars(select(ReturnRequest).where(ReturnRequest.sender_id == sender_id)
                                     .order_by(ReturnRequest.created_at))
        ],
        "experiment_exposures": [
            {"experiment_id": e.experiment_id, "arm": e.position, "exposed_at": _iso(e.exposed_at)}
            for e in session.scalars(select(ExperimentExposure).where(ExperimentExposure.sender_id == sender_id)
                                     .order_by(ExperimentExposure.exposed_at))
        ],
        "card_clicks": [
            {"product_id": c.product_id, "message_seq": c.message_seq, "clicked_at": _iso(c.clicked_at)}
            for c in session.scalars(select(CardClick).where(CardClick.sender_id == sender_id)
                                     .order_by(CardClick.clicked_at, CardClick.id))
        ],
        "rating": None,
    }
    if has_ratings(session):
        row = session.execute(select(_ratings.c.rating, _ratings.c.comment, _ratings.c.created_at)
                              .where(_ratings.c.sender_id == sender_id)).first()
        if row:
            record["rating"] = {"rating": int(row.rating), "comment": row.comment, "created_at": _iso(row.created_at)}
    return record


def erase_linked(session: Session, *, sender_id: str) -> int:
    """Delete the conversation's handoff requests, rating, throttle rows, unmet searches, A/B exposures and
    card clicks; unlink its returns.

    Return requests are order records the shop must keep; they only lose the
    link to the conversation. Returns the number of rows deleted.
    """
    deleted = 0
    for model in _ERASED_WITH_CONVERSATION:
        deleted += session.execute(delete(model).where(model.sender_id == sender_id)).rowcount or 0
    session.execute(update(ReturnRequest).where(ReturnRequest.sender_id == sender_id).values(sender_id=None))
    return deleted


def count_linked(session: Session, *, sender_id: str) -> int:
    """How many rows ``erase_linked`` would delete."""
    return sum(session.scalar(select(func.count()).select_from(m).where(m.sender_id == sender_id)) or 0
               for m in _ERASED_WITH_CONVERSATION)
