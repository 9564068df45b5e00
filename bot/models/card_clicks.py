"""Clicks on the product cards the bot showed in the widget."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, utcnow


class CardClick(Base):
    __tablename__ = "card_clicks"
    __table_args__ = (
        # One click per card: a reload, a double click or a second visit of the same card adds nothing.
        # It leads with sender_id, so it also serves "this conversation's clicks".
        UniqueConstraint("sender_id", "message_seq", "product_id", name="uq_card_clicks_card"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(128))
    # The tracker-store row id of the bot message that showed the card.
    message_seq: Mapped[int] = mapped_column(BigInteger)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    clicked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
