"""A verified customer's orders, for "what else did I order?"."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.models import Customer, Order, OrderItem, ProductVariant
from bot.orders.status import OrderView, order_view


def orders_for_customer(
    session: Session, *, email: str, limit: int = 20, today: date | None = None
) -> list[OrderView]:
    """The orders placed with ``email``, newest first; call only for a verified email.

    Only orders whose own email matches are listed, so each one is an order the
    visitor could also have verified directly with this email.
    """
    email = email.strip().lower()
    stmt = (
        select(Order)
        .join(Customer, Customer.id == Order.customer_id)
        .where(Customer.email == email, func.lower(Order.email) == email)
        .order_by(Order.placed_at.desc(), Order.id.desc())
        .limit(limit)
        .options(
            selectinload(Order.items)
            .selectinload(OrderItem.variant)
            .selectinload(ProductVariant.product)
        )
    )
    return [order_view(order, today=today) for order in session.scalars(stmt)]


def is_customer_order(session: Session, *, email: str, number: str) -> bool:
    """True when order ``number`` was placed with ``email`` (already verified by the caller)."""
    email = email.strip().lower()
    found = session.scalar(
        select(Order.id).where(Order.number == number, func.lower(Order.email) == email).limit(1)
    )
    return found is not None
