"""Rebuild the materialised aggregates: best-seller lists, catalog groups and customer segments.

Why a schedule and not triggers or the write path: orders reach the shop DB from the
shop's own systems (and from bulk imports such as the seed), not through one write
path of ours, and a "last 90 days" list changes as days pass even when nobody
orders. A trigger per order item would tax every order write on both databases and
still need a job to age the windows; one rebuild every few minutes costs a few
seconds of one core at 1M orders and is the same SQL on SQLite and PostgreSQL.
The rebuild runs in the caller's transaction, so readers see the old lists or the
new ones, never a half-written mix.
"""

from __future__ import annotations

import heapq
import time
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.orm import Session

from bot.models import (
    ALL_CATEGORIES,
    AggregateRefresh,
    BestSeller,
    CatalogGroup,
    Order,
    OrderItem,
    OrderStatus,
    Product,
    ProductVariant,
)
from bot.models.base import utcnow
from bot.segments.refresh import refresh_segments

SALES_WINDOWS = (7, 30, 90)  # days a best-seller list may cover
LIST_LENGTH = 200  # places kept per list: room for sold-out and already-owned products
REFRESH_SECONDS = 300
# The job's interval plus the longest rebuild measured (about 10 s at 1M orders), rounded up.
MAX_STALE_MINUTES = 6


def _units_by_window(session: Session, now: datetime):
    """Units sold per product in each window, with the product's category."""
    units = [
        func.sum(case((Order.placed_at >= now - timedelta(days=days), OrderItem.quantity), else_=0))
        for days in SALES_WINDOWS
    ]
    stmt = (
        select(ProductVariant.product_id, Product.category_id, *units)
        .select_from(Order)
        .join(OrderItem, OrderItem.order_id == Order.id)
        .join(ProductVariant, ProductVariant.id == OrderItem.variant_id)
        .join(Product, Product.id == ProductVariant.product_id)
        .where(Order.status != OrderStatus.CANCELLED,
               Order.placed_at >= now - timedelta(days=max(SALES_WINDOWS)))
        .group_by(ProductVariant.product_id, Product.category_id)
    )
    return session.execute(stmt).all()


def _ranked_lists(rows, column: int) -> dict[int, list[tuple[int, int]]]:
    """(negative units, product id) per list: the order best sellers are shown in."""
    lists: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for row in rows:
        units = row[column]
        if units:
            lists[ALL_CATEGORIES].append((-units, row[0]))
            lists[row[1]].append((-units, row[0]))
    return {key: heapq.nsmallest(LIST_LENGTH, entries) for key, entries in lists.items()}


def refresh_best_sellers(session: Session, *, now: datetime | None = None) -> None:
    """Rebuild every window's and category's best-seller list as of ``now``."""
    rows = _units_by_window(session, now or utcnow())
    session.execute(delete(BestSeller))
    out = [
        {"window_days": days, "category_id": category, "rank": rank, "product_id": product_id, "units": -units}
        for column, days in enumerate(SALES_WINDOWS, start=2)
        for category, entries in _ranked_lists(rows, column).items()
        for rank, (units, product_id) in enumerate(entries, start=1)
    ]
    if out:
        session.execute(insert(BestSeller), out)


def refresh_catalog_groups(session: Session) -> None:
    """Rebuild the count of products per category and brand."""
    session.execute(delete(CatalogGroup))
    rows = session.execute(
        select(Product.category_id, Product.brand_id, func.count())
        .group_by(Product.category_id, Product.brand_id)
    ).all()
    if rows:
        session.execute(insert(CatalogGroup), [
            {"category_id": c, "brand_id": b, "products": n} for c, b, n in rows
        ])


def _timed(session: Session, name: str, rebuild, **kwargs) -> float:
    started = time.perf_counter()
    rebuild(session, **kwargs)
    seconds = time.perf_counter() - started
    session.merge(AggregateRefresh(name=name, refreshed_at=utcnow(), seconds=seconds))
    return seconds


def refresh_aggregates(session: Session, *, now: datetime | None = None) -> dict[str, float]:
    """Rebuild every aggregate in the caller's transaction; seconds each took, by name."""
    seconds = {
        "best_sellers": _timed(session, "best_sellers", refresh_best_sellers, now=now),
        "catalog_groups": _timed(session, "catalog_groups", refresh_catalog_groups),
        "customer_segments": _timed(session, "customer_segments", refresh_segments, now=now),
    }
    session.flush()
    return seconds
