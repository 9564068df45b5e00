"""Proof of ownership: an order number plus the email it was placed with."""

from __future__ import annotations

import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.errors import VerificationThrottled
from bot.models import Order, OrderItem, ProductVariant
from bot.orders.throttle import may_try, recent_failures, record_failure
from bot.settings import get_settings
from bot.sources import email_digest


def verify_order(
    session: Session, *, number: str, email: str, sender_id: str, source: str | None = None
) -> Order | None:
    """Return the order if ``email`` placed order ``number``; None otherwise.

    A missing order and a wrong email look the same to the caller. Failures are
    recorded with the conversation, the ``source`` (bot/sources.py) and the email's
    digest; when bot/orders/throttle.py says no, ``VerificationThrottled`` is raised
    before any lookup.
    """
    digest = email_digest(email)
    counts = recent_failures(session, sender_id=sender_id, source=source, number=number, email_digest=digest)
    if not may_try(counts):
        raise VerificationThrottled(get_settings().verify_window_minutes)
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
    record_failure(session, sender_id=sender_id, source=source, number=number, email_digest=digest)
    return None
