"""Rebuild ``customer_segments`` from the orders: RFM as of now and as of 30 and 90 days ago.

Purchases are orders that were not cancelled and not returned (their current status:
an order cancelled or returned since counts as never placed, also for the past
dates). Monetary value is the sum of those orders' totals. Rebuilt whole by the
aggregates job (``python -m bot.aggregates``; ``make run`` every 5 minutes), so a
segment is at most ``bot.aggregates.MAX_STALE_MINUTES`` old.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from bot.models import CustomerSegment, Order, OrderStatus
from bot.models.base import utcnow
from bot.segments.rfm import CustomerRfm, score_customers
from bot.staff.clock import aware

TREND_DAYS = (0, 30, 90)  # segments kept as of now and as of these days before
NOT_PURCHASES = (OrderStatus.CANCELLED, OrderStatus.RETURNED)


def customer_rfm(session: Session, *, as_of: datetime) -> list[CustomerRfm]:
    """Every customer with a purchase before ``as_of``, scored against the others."""
    rows = session.execute(
        select(Order.customer_id, func.max(Order.placed_at), func.count(Order.id), func.sum(Order.total))
        .where(Order.status.not_in(NOT_PURCHASES), Order.placed_at < as_of)
        .group_by(Order.customer_id).order_by(Order.customer_id)
    ).all()
    recency = [max(0, (as_of - aware(last)).days) for _, last, _, _ in rows]
    return score_customers([r[0] for r in rows], recency, [r[2] for r in rows], [float(r[3] or 0) for r in rows])


def refresh_segments(session: Session, *, now: datetime | None = None) -> None:
    """Replace ``customer_segments`` with the segments as of now and ``TREND_DAYS`` before."""
    now = now or utcnow()
    session.execute(delete(CustomerSegment))
    for days_ago in TREND_DAYS:
        scored = customer_rfm(session, as_of=now - timedelta(days=days_ago))
        if scored:
            session.execute(insert(CustomerSegment), [
                {"days_ago": days_ago, "customer_id": c.customer_id, "segment": c.segment,
                 "r_score": c.r_score, "f_score": c.f_score, "m_score": c.m_score,
                 "recency_days": c.recency_days, "frequency": c.frequency,
                 "monetary": Decimal(str(round(c.monetary, 2)))}
                for c in scored
            ])
