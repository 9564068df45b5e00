"""Visitors' ratings of their conversations: one per conversation, the latest wins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.errors import InvalidRating
from bot.models import ConversationRating
from bot.models.base import utcnow
from bot.models.ratings import COMMENT_MAX_CHARS, RATING_MAX, RATING_MIN
from bot.staff.clock import aware


@dataclass(frozen=True, slots=True)
class RatingView:
    sender_id: str
    rating: int
    comment: str | None
    created_at: datetime
    updated_at: datetime


def _view(row: ConversationRating) -> RatingView:
    return RatingView(sender_id=row.sender_id, rating=row.rating, comment=row.comment,
                      created_at=aware(row.created_at), updated_at=aware(row.updated_at))


def _clean_comment(comment: str | None) -> str | None:
    text = (comment or "").strip()
    if len(text) > COMMENT_MAX_CHARS:
        raise InvalidRating(f"the comment is longer than {COMMENT_MAX_CHARS} characters")
    return text or None


def _find(session: Session, sender_id: str) -> ConversationRating | None:
    return session.scalar(select(ConversationRating).where(ConversationRating.sender_id == sender_id))


def rate_conversation(session: Session, *, sender_id: str, rating: int, comment: str | None = None) -> RatingView:
    """Store the visitor's rating of conversation ``sender_id``; a second one replaces the first."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not RATING_MIN <= rating <= RATING_MAX:
        raise InvalidRating(f"the rating must be a whole number from {RATING_MIN} to {RATING_MAX}")
    text = _clean_comment(comment)
    row = _find(session, sender_id)
    if row is None:
        try:
            # A savepoint, so losing a race to a parallel first rating leaves the session usable.
            with session.begin_nested():
                now = utcnow()
                row = ConversationRating(sender_id=sender_id, rating=rating, comment=text,
                                         created_at=now, updated_at=now)
                session.add(row)
            return _view(row)
        except IntegrityError:
            row = _find(session, sender_id)
            assert row is not None
    row.rating, row.comment, row.updated_at = rating, text, utcnow()
    session.flush()
    return _view(row)


def conversation_rating(session: Session, *, sender_id: str) -> RatingView | None:
    """The conversation's rating, if the visitor gave one."""
    row = _find(session, sender_id)
    return _view(row) if row else None
