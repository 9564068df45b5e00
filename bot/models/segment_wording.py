"""Per-segment wording of a response: the text a verified customer of an RFM segment sees instead of the domain's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, utcnow


class SegmentWording(Base):
    __tablename__ = "segment_wordings"
    __table_args__ = (
        # One text per response, language and segment: a customer can only see one.
        UniqueConstraint("response", "language", "segment", name="uq_segment_wordings_rule"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(2))
    segment: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
