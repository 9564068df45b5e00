"""Staff review data kept beside Rasa's transcripts: reviewed flags, tags, notes, NLU corrections, deletions.

Conversations live in Rasa's tracker store (another database), so rows here point
at them by ``sender_id`` (and a user message by its event row id), not by foreign key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, utcnow

SENDER_ID_CHARS = 255  # Rasa's events.sender_id is a String(255)
STAFF_NAME_CHARS = 120


class ConversationReview(Base):
    """Whether a staff member has looked through the conversation."""

    __tablename__ = "conversation_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(SENDER_ID_CHARS), unique=True)
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(STAFF_NAME_CHARS))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ConversationTag(Base):
    __tablename__ = "conversation_tags"
    __table_args__ = (UniqueConstraint("sender_id", "tag", name="uq_conversation_tags_sender_tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(SENDER_ID_CHARS), index=True)
    tag: Mapped[str] = mapped_column(String(40), index=True)
    created_by: Mapped[str] = mapped_column(String(STAFF_NAME_CHARS))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConversationNote(Base):
    """A private note of the support team; visitors never see it."""

    __tablename__ = "conversation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(SENDER_ID_CHARS), index=True)
    author: Mapped[str] = mapped_column(String(STAFF_NAME_CHARS))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NluCorrection(Base):
    """A visitor message relabelled by staff: the intent and entities it should have had."""

    __tablename__ = "nlu_corrections"
    __table_args__ = (UniqueConstraint("sender_id", "event_id", name="uq_nlu_corrections_sender_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(SENDER_ID_CHARS), index=True)
    event_id: Mapped[int] = mapped_column(Integer)  # the user event's row id in the tracker store
    text: Mapped[str] = mapped_column(Text)
    original_intent: Mapped[str | None] = mapped_column(String(255))
    corrected_intent: Mapped[str] = mapped_column(String(255), index=True)
    # [{"start": 0, "end": 5, "value": "nike", "entity": "brand"}, ...] over ``text``.
    corrected_entities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    author: Mapped[str] = mapped_column(String(STAFF_NAME_CHARS))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class ConversationDeletion(Base):
    """Audit record of a conversation erased on request: who, when, and how much."""

    __tablename__ = "conversation_deletions"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(SENDER_ID_CHARS), index=True)
    deleted_by: Mapped[str] = mapped_column(String(254))  # the admin's email (names are not unique)
    deleted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    events_deleted: Mapped[int] = mapped_column(Integer, default=0)
    # Review data, handoff requests, the rating, verification throttle rows.
    shop_rows_deleted: Mapped[int] = mapped_column(Integer, default=0)


class ConversationRef(Base):
    """The console's name for a conversation (bot/conversation_refs.py), so a URL never holds the sender id.

    A row is written when the console first shows the conversation; the ref alone grants nothing.
    """

    __tablename__ = "conversation_refs"

    ref: Mapped[str] = mapped_column(String(32), primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(SENDER_ID_CHARS), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
