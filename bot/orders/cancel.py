"""Cancelling an order from the chat, before it leaves the warehouse."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.errors import OrderNotCancellable, OrderNotFound
from bot.models import Order, OrderStatus, OrderStatusEvent
from bot.orders.status import OrderView, order_view
from bot.orders.verification import verify_order

CANCELLABLE = (OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.PACKED)
# Left the warehouse: the customer has to return it instead.
_ON_ITS_WAY = (OrderStatus.SHIPPED, OrderStatus.DELIVERED)
_NOTE_PREFIX = "Cancelled by customer via chat: "
_NOTE_MAX = 300  # OrderStatusEvent.note


@dataclass(frozen=True, slots=True)
class CancelCheck:
    cancellable: bool
    reason: str | None  # None | "shipped" (return it instead) | "already_closed"


def cancellation_check(order: Order | OrderView) -> CancelCheck:
    """Whether ``order`` can still be cancelled, and why not."""
    status = OrderStatus(order.status)
    if status in CANCELLABLE:
        return CancelCheck(cancellable=True, reason=None)
    if status in _ON_ITS_WAY:
        return CancelCheck(cancellable=False, reason="shipped")
    return CancelCheck(cancellable=False, reason="already_closed")


def cancel_order(
    session: Session, *, order_number: str, email: str, sender_id: str, reason: str
) -> OrderView:
    """Cancel the order after re-checking ownership; records a status event, never commits."""
    order = verify_order(session, number=order_number, email=email, sender_id=sender_id)
    if order is None:
        raise OrderNotFound()
    check = cancellation_check(order)
    if not check.cancellable:
        raise OrderNotCancellable(check.reason or "already_closed")
    # Conditional update: if the warehouse shipped it since we looked, nothing changes.
    result = session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_(CANCELLABLE))
        .values(status=OrderStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    session.refresh(order, attribute_names=["status"])
    if result.rowcount != 1:
        raise OrderNotCancellable(cancellation_check(order).reason or "already_closed")
    note = _NOTE_PREFIX + (" ".join(reason.split()) or "no reason given")
    order.history.append(OrderStatusEvent(status=OrderStatus.CANCELLED, note=note[:_NOTE_MAX]))
    session.flush()
    return order_view(order)
