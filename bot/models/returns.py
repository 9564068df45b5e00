"""Return requests: one row per order item a customer asked to send back."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, utcnow
from bot.models.orders import Order, OrderItem


class ReturnStatus(str, enum.Enum):
    REQUESTED = "requested"
    RECEIVED = "received"
    REFUNDED = "refunded"
    REJECTED = "rejected"


class ReturnReason(str, enum.Enum):
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"
    DAMAGED = "damaged"
    NOT_AS_DESCRIBED = "not_as_described"
    CHANGED_MIND = "changed_mind"
    OTHER = "other"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e],
                native_enum=False, length=20)


class ReturnRequest(Base):
    __tablename__ = "return_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Quoted by the customer and printed on the return label ("RMA-7F3K2Q").
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    order_item_id: Mapped[int] = mapped_column(
        ForeignKey("order_items.id", ondelete="CASCADE"), index=True
    )
    quantity: Mapped[int] = mapped_column(default=1)
    reason: Mapped[ReturnReason] = mapped_column(_enum(ReturnReason, "return_reason"))
    reason_text: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[ReturnStatus] = mapped_column(
        _enum(ReturnStatus, "return_status"), default=ReturnStatus.REQUESTED
    )
    # The conversation that asked for it, for the audit trail.
    sender_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    order: Mapped[Order] = relationship()
    item: Mapped[OrderItem] = relationship()
