"""Stock-out warnings from the shop DB: daily sales per variant, their SBA rate, days of cover."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Order, OrderItem, OrderStatus, Product, ProductVariant
from bot.models.base import utcnow
from bot.staff.clock import aware
from bot.stockout.forecast import HORIZON_DAYS, WINDOW_DAYS, StockoutRisk, at_risk, croston_rate, days_of_cover


def daily_sales(session: Session, *, start: date, end: date) -> dict[int, np.ndarray]:
    """Units sold per variant per day in [start, end) (UTC days), from orders not cancelled."""
    rows = session.execute(
        select(OrderItem.variant_id, Order.placed_at, OrderItem.quantity)
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.status != OrderStatus.CANCELLED,
               Order.placed_at >= datetime.combine(start, time(), tzinfo=timezone.utc),
               Order.placed_at < datetime.combine(end, time(), tzinfo=timezone.utc))
    ).all()
    n = (end - start).days
    series: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(n))
    for variant_id, placed_at, quantity in rows:
        series[variant_id][(aware(placed_at).date() - start).days] += quantity
    return dict(series)


def stockout_risks(session: Session, *, today: date | None = None, horizon: int = HORIZON_DAYS,
                   window: int = WINDOW_DAYS) -> list[StockoutRisk]:
    """Variants whose stock lasts at most ``horizon`` days at their recent rate, soonest first."""
    end = (today or utcnow().date()) + timedelta(days=1)  # today's sales so far count
    series = daily_sales(session, start=end - timedelta(days=window), end=end)
    if not series:
        return []
    variants = session.execute(
        select(ProductVariant.id, ProductVariant.product_id, Product.name, ProductVariant.sku, ProductVariant.stock)
        .join(Product, Product.id == ProductVariant.product_id).where(ProductVariant.id.in_(list(series)))
    ).all()
    risks = []
    for v in variants:
        rate = croston_rate(series[v.id])
        cover = days_of_cover(v.stock, rate)
        if at_risk(cover, horizon=horizon):
            risks.append(StockoutRisk(variant_id=v.id, product_id=v.product_id, product_name=v.name, sku=v.sku,
                                      stock=v.stock, rate_per_day=rate, days_of_cover=cover,
                                      sold_in_window=int(series[v.id].sum())))
    return sorted(risks, key=lambda r: (r.days_of_cover, -r.rate_per_day, r.variant_id))


def first_sale_day(session: Session) -> date | None:
    """The UTC day of the earliest order (the start of the backtest's history)."""
    first = session.scalar(select(func.min(Order.placed_at)))
    return aware(first).date() if first else None
