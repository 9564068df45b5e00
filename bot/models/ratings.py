"""Visitors' 1-5 ratings of their conversations (one per conversation)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, utcnow

RATING_MIN = 1
RATING_MAX = 5
COMMENT_MAX_CHARS = 1000


class ConversationRating(Base):
    __tablename__ = "conversation_ratings"
    __table_args__ = (
        CheckConstraint(f"rating BETWEEN {RATING_MIN} AND {RATING_MAX}", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Rasa sender id (the widget's session id); a second rating replaces the first.
    sender_id: Mapped[str] = mapped_column(String(128), unique=True)
    rating: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
