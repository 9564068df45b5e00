"""Requests to talk to a human agent, and messages left when nobody is in."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, utcnow


class HandoffReason(str, enum.Enum):
    ASKED = "asked"
    FALLBACK = "fallback"
    LATE_PARCEL = "late_parcel"
    OTHER = "other"


class HandoffStatus(str, enum.Enum):
    WAITING = "waiting"
    TAKEN = "taken"
    CLOSED = "closed"
    MESSAGE_LEFT = "message_left"


# A conversation has at most one open request (waiting or taken) at a time.
OPEN_HANDOFF_STATUSES = (HandoffStatus.WAITING, HandoffStatus.TAKEN)


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e],
                native_enum=False, length=20)


_OPEN = text("status IN ('waiting', 'taken')")


class HandoffRequest(Base):
    __tablename__ = "handoff_requests"
    __table_args__ = (
        Index("uq_handoff_requests_open_sender", "sender_id", unique=True,
              postgresql_where=_OPEN, sqlite_where=_OPEN),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(128), index=True)
    reason: Mapped[HandoffReason] = mapped_column(_enum(HandoffReason, "handoff_reason"))
    status: Mapped[HandoffStatus] = mapped_column(
        _enum(HandoffStatus, "handoff_status"), default=HandoffStatus.WAITING, index=True
    )
    contact_email: Mapped[str | None] = mapped_column(String(254))
    message: Mapped[str | None] = mapped_column(Text)
    verified_order_number: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    taken_by: Mapped[str | None] = mapped_column(String(80))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The requester's source (see bot/sources.py), so one source cannot fill the queue.
    source: Mapped[str | None] = mapped_column(String(64), index=True)
