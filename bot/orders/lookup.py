"""A verified customer's orders, for "what else did I order?"."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Customer, Order, OrderItem, Product, ProductVariant
from bot.orders.status import OrderItemView, OrderView, view_of

# What a view shows of an order; the rest of its columns (address, email, ...) stay unread.
_ORDER_COLUMNS = (Order.id, Order.number, Order.status, Order.placed_at, Order.total, Order.currency,
                  Order.carrier, Order.tracking_number, Order.estimated_delivery, Order.delivered_at)


def orders_for_customer(
    session: Session, *, email: str, limit: int = 20, today: date | None = None
) -> list[OrderView]:
    """The orders placed with ``email``, newest first; call only for a verified email.

    Only orders whose own email matches are listed, so each one is an order the
    visitor could also have verified directly with this email. Two plain queries (the
    orders, then all their items with their products' names), not ORM objects: the
    same views as ``order_view`` of each order.
    """
    email = email.strip().lower()
    orders = session.execute(
        select(*_ORDER_COLUMNS)
        .join(Customer, Customer.id == Order.customer_id)
        .where(Customer.email == email, func.lower(Order.email) == email)
        .order_by(Order.placed_at.desc(), Order.id.desc())
        .limit(limit)
    ).all()
    if not orders:
        return []
    items: dict[int, list[OrderItemView]] = defaultdict(list)
    rows = session.execute(
        select(OrderItem.order_id, Product.name, ProductVariant.size, ProductVariant.color, OrderItem.quantity,
               OrderItem.unit_price)
        .join(ProductVariant, ProductVariant.id == OrderItem.variant_id)
        .join(Product, Product.id == ProductVariant.product_id)
        .where(OrderItem.order_id.in_([order.id for order in orders]))
        .order_by(OrderItem.id)
    )
    for row in rows:
        items[row.order_id].append(OrderItemView(name=row.name, size=row.size, color=row.color,
                                                 quantity=row.quantity, unit_price=row.unit_price))
    return [view_of(order, tuple(items[order.id]), today=today) for order in orders]


def is_customer_order(session: Session, *, email: str, number: str) -> bool:
    """True when order ``number`` was placed with ``email`` (already verified by the caller)."""
    email = email.strip().lower()
    found = session.scalar(
        select(Order.id).where(Order.number == number, func.lower(Order.email) == email).limit(1)
    )
    return found is not None
