"""Proactive messages (issue 20): the visitor's consents and the outbox of notifications.

A consent records what the visitor agreed to, in which words, when and in which
conversation; nothing is sent without an active one. The outbox holds each
notification once (``dedupe_key`` is unique), so a scan that runs twice, or two
dispatchers, enqueue it once; a row is claimed before it is sent.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, utcnow


class ConsentKind(str, enum.Enum):
    ORDER_UPDATES = "order_updates"
    BACK_IN_STOCK = "back_in_stock"


class Channel(str, enum.Enum):
    WIDGET = "widget"
    EMAIL = "email"


class ConsentStatus(str, enum.Enum):
    PENDING = "pending"  # an email address not proven yet: waits for its confirmation link
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    DONE = "done"  # its one notification is enqueued (back in stock, order delivered)


class OutboxStatus(str, enum.Enum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a dispatcher; taken again after the lease if it died
    SENT = "sent"
    CANCELLED = "cancelled"  # the consent was withdrawn before it went out
    FAILED = "failed"


class ProactiveConsent(Base):
    __tablename__ = "proactive_consents"
    __table_args__ = (
        Index("ix_proactive_consents_status_kind", "status", "kind"),
        Index("ix_proactive_consents_sender_id", "sender_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))
    # The conversation it was given in (and, for the widget channel, where messages go).
    sender_id: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5), default="en")
    # The words the visitor agreed to, as shown to them.
    wording: Mapped[str] = mapped_column(Text)
    order_number: Mapped[str | None] = mapped_column(String(20))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    # The colours and sizes asked for, comma-separated ("" = any).
    colors: Mapped[str] = mapped_column(String(200), default="")
    sizes: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ProactiveOutbox(Base):
    __tablename__ = "proactive_outbox"
    __table_args__ = (Index("ix_proactive_outbox_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("proactive_consents.id", ondelete="CASCADE"), index=True)
    # order_updates, back_in_stock, or confirm (the confirmation mail of an email consent)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING.value)
    # Random; names the message in the transcript and in its click link.
    token: Mapped[str] = mapped_column(String(40), unique=True)
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500), default="")  # where a click on the message leads
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    clicked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str] = mapped_column(String(200), default="")
