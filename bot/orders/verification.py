"""Proof of ownership: an order number plus the email it was placed with."""

from __future__ import annotations

import hmac
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from bot.errors import VerificationThrottled
from bot.models import Order, OrderItem, ProductVariant, VerificationFailure
from bot.models.base import utcnow
from bot.settings import get_settings


def _recent_failures(session: Session, *, sender_id: str, number: str) -> int:
    settings = get_settings()
    since = utcnow() - timedelta(minutes=settings.verify_window_minutes)
    stmt = select(func.count(VerificationFailure.id)).where(
        VerificationFailure.at >= since,
        or_(VerificationFailure.sender_id == sender_id, VerificationFailure.order_number == number),
    )
    return session.scalar(stmt) or 0


def verify_order(session: Session, *, number: str, email: str, sender_id: str) -> Order | None:
    """Return the order if ``email`` placed order ``number``; None otherwise.

    A missing order and a wrong email look the same to the caller. Failures are
    recorded; past the limit, ``VerificationThrottled`` is raised before any lookup.
    """
    settings = get_settings()
    if _recent_failures(session, sender_id=sender_id, number=number) >= settings.verify_max_failures:
        raise VerificationThrottled(settings.verify_window_minutes)
    order = session.scalar(
        select(Order)
        .where(Order.number == number)
        .options(
            selectinload(Order.items)
            .selectinload(OrderItem.variant)
            .selectinload(ProductVariant.product)
        )
    )
    # Constant-time comparison so timing does not tell a near miss from a far one.
    if order is not None and hmac.compare_digest(order.email.lower().encode(), email.lower().encode()):
        return order
    session.add(VerificationFailure(sender_id=sender_id[:128], order_number=number[:40]))
    session.flush()
    return None
