"""Read model of an order as its verified owner may see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from bot.models import Order, OrderStatus

_IN_TRANSIT = {OrderStatus.SHIPPED}


@dataclass(frozen=True, slots=True)
class OrderItemView:
    name: str
    size: str
    color: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class OrderView:
    number: str
    status: str
    placed_at: datetime
    total: Decimal
    currency: str
    carrier: str | None
    tracking_number: str | None
    estimated_delivery: date | None
    delivered_at: datetime | None
    items: tuple[OrderItemView, ...]
    is_late: bool


def order_view(order: Order, *, today: date | None = None) -> OrderView:
    """Build the customer-facing view of ``order`` (late = in transit past its ETA)."""
    items = tuple(
        OrderItemView(
            name=item.variant.product.name,
            size=item.variant.size,
            color=item.variant.color,
            quantity=item.quantity,
            unit_price=item.unit_price,
        )
        for item in order.items
    )
    return view_of(order, items, today=today)


def view_of(order, items: tuple[OrderItemView, ...], *, today: date | None = None) -> OrderView:
    """The view of ``order`` (an ORM order or a row of the orders' columns) with ``items``."""
    today = today or date.today()
    late = (
        order.status in _IN_TRANSIT
        and order.estimated_delivery is not None
        and order.estimated_delivery < today
    )
    return OrderView(
        number=order.number,
        status=order.status.value,
        placed_at=order.placed_at,
        total=order.total,
        currency=order.currency,
        carrier=order.carrier,
        tracking_number=order.tracking_number,
        estimated_delivery=order.estimated_delivery,
        delivered_at=order.delivered_at,
        items=items,
        is_late=late,
    )
