"""Deterministic seed that fills the shop database with a believable demo shop.

``seed_shop`` only adds rows to the session; the caller owns the transaction.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from bot.aggregates import refresh_aggregates
from bot.seed.admin import non_empty_tables, sync_sequences
from bot.seed.catalog import seed_catalog
from bot.seed.demo import DEMO_CUSTOMERS, DEMO_ORDERS
from bot.seed.orders import seed_orders
from bot.seed.people import seed_customers

__all__ = ["DEMO_CUSTOMERS", "DEMO_ORDERS", "SeedReport", "seed_shop"]

BATCH_SIZE = 5000


@dataclass(frozen=True)
class SeedReport:
    """What ``seed_shop`` inserted."""

    seed: int
    today: date
    categories: int
    brands: int
    products: int
    variants: int
    zero_stock_variants: int
    customers: int
    orders: int
    order_items: int
    status_events: int
    orders_by_status: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """Human-readable multi-line summary."""
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(self.orders_by_status.items()))
        return "\n".join([
            f"seed {self.seed}, today {self.today.isoformat()}",
            f"categories {self.categories}, brands {self.brands}",
            f"products {self.products}, variants {self.variants} "
            f"({self.zero_stock_variants} out of stock)",
            f"customers {self.customers}",
            f"orders {self.orders}, items {self.order_items}, "
            f"status events {self.status_events}",
            f"orders by status: {statuses}",
        ])


def seed_shop(
    session: Session,
    *,
    products: int,
    customers: int,
    orders: int,
    seed: int = 42,
    today: date | None = None,
    progress: bool = False,
) -> SeedReport:
    """Fill an empty shop with a catalog, customers and order history; no commit."""
    if min(products, customers, orders) < 0:
        raise ValueError("products, customers and orders must not be negative")
    if orders and (products < 1 or customers < len(DEMO_CUSTOMERS)):
        raise ValueError(
            f"orders need at least 1 product and {len(DEMO_CUSTOMERS)} customers "
            "(the demo customers)"
        )
    busy = non_empty_tables(session)
    if busy:
        raise ValueError(f"the shop is not empty (rows in: {', '.join(busy)}); reset it first")
    today = today or date.today()
    master = random.Random(seed)
    # One seed, three derived streams: the catalog does not change when only
    # --customers or --orders change, and customers not when --orders changes.
    catalog_rng, people_rng, orders_rng = (random.Random(master.getrandbits(64)) for _ in range(3))
    with _progress_bar(products + customers + orders, progress) as tick:
        catalog = seed_catalog(session, catalog_rng, products, tick, BATCH_SIZE)
        people = seed_customers(session, people_rng, customers, today, tick, BATCH_SIZE)
        stats = seed_orders(session, orders_rng, orders, catalog, people, today, tick, BATCH_SIZE)
    sync_sequences(session)
    session.flush()
    refresh_aggregates(session)  # the lists the bot reads, as of the seeded history
    return SeedReport(
        seed=seed, today=today, categories=catalog.categories, brands=catalog.brands,
        products=products, variants=catalog.variants,
        zero_stock_variants=catalog.zero_stock_variants, customers=customers,
        orders=stats.orders, order_items=stats.items, status_events=stats.events,
        orders_by_status=dict(sorted(stats.by_status.items())),
    )


@contextmanager
def _progress_bar(total: int, enabled: bool) -> Iterator[Callable[[int], None]]:
    if not enabled:
        yield lambda n: None
        return
    from tqdm import tqdm  # imported lazily: only the CLI shows a bar

    with tqdm(total=total, unit="rec", desc="seeding", smoothing=0.1) as bar:
        yield bar.update
