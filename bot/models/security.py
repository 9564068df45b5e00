"""Records that throttle guessing of order-number/email pairs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, utcnow


class VerificationFailure(Base):
    """One failed verification try, keyed by conversation and by order number."""

    __tablename__ = "verification_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(128), index=True)
    # Normalised number as typed; stored even when no such order exists so the
    # throttle itself reveals nothing about which numbers are real.
    order_number: Mapped[str] = mapped_column(String(40), index=True)
    # Where the try came from (a keyed digest of the network or integration, never the
    # address itself) and a keyed digest of the email tried: throttles count by both.
    source: Mapped[str | None] = mapped_column(String(64), index=True)
    email_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
