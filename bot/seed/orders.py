"""Orders, their items and status history: the curated demo ones, then random ones."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.models import Order, OrderItem, OrderStatus, OrderStatusEvent
from bot.seed.catalog import CatalogIndex
from bot.seed.demo import DEMO_CUSTOMERS, DEMO_ORDERS, DEMO_TIMELINES
from bot.seed.people import CustomerIndex
from bot.seed.timeline import Lifecycle, simulate, tracking_number
from bot.seed.writer import BatchWriter

FIRST_ORDER_NUMBER = 100001
WINDOW_DAYS = 180
# >1 packs more orders into recent weeks: the shop is growing, and it keeps
# enough fresh orders around that every in-flight status shows up.
RECENCY_SKEW = 1.3
EXPRESS_SHARE = 0.2
CURRENCY = "USD"

_EVENT_NOTES = {
    OrderStatus.PLACED: "Order placed",
    OrderStatus.PAID: "Payment received",
    OrderStatus.PACKED: "Packed at our warehouse",
    OrderStatus.DELIVERED: "Delivered",
    OrderStatus.CANCELLED: "Cancelled at customer's request",
}


@dataclass
class OrderStats:
    """Counts of what ``seed_orders`` inserted."""

    orders: int = 0
    items: int = 0
    events: int = 0
    by_status: Counter[str] = field(default_factory=Counter)


class _OrderSink:
    """Assigns ids and turns one order into rows for the batch writer."""

    def __init__(self, session: Session, batch_size: int) -> None:
        self.writer = BatchWriter(session, [Order, OrderItem, OrderStatusEvent], batch_size)
        self.stats = OrderStats()

    def add(
        self, customer_id: int, email: str, address: str, express: bool,
        items: list[tuple[int, int, Decimal]], life: Lifecycle,
    ) -> None:
        stats = self.stats
        stats.orders += 1
        order_id = stats.orders
        total = sum((price * qty for _variant, qty, price in items), Decimal("0.00"))
        self.writer.add(Order, {
            "id": order_id, "number": str(FIRST_ORDER_NUMBER - 1 + order_id),
            "customer_id": customer_id, "email": email, "status": life.status,
            "placed_at": life.events[0][1], "total": total, "currency": CURRENCY,
            "shipping_address": address, "shipping_method": "express" if express else "standard",
            "carrier": life.carrier, "tracking_number": life.tracking_number,
            "estimated_delivery": life.estimated_delivery, "delivered_at": life.delivered_at,
        })
        for variant_id, qty, price in items:
            stats.items += 1
            self.writer.add(OrderItem, {
                "id": stats.items, "order_id": order_id, "variant_id": variant_id,
                "quantity": qty, "unit_price": price,
            })
        for status, at, note in life.events:
            stats.events += 1
            self.writer.add(OrderStatusEvent, {
                "id": stats.events, "order_id": order_id, "status": status, "at": at,
                "note": note,
            })
        stats.by_status[life.status.value] += 1


def seed_orders(
    session: Session,
    rng: random.Random,
    count: int,
    catalog: CatalogIndex,
    customers: CustomerIndex,
    today: date,
    tick: Callable[[int], None] = lambda n: None,
    batch_size: int = 5000,
) -> OrderStats:
    """Insert ``count`` orders: the demo orders first, then a realistic history."""
    if count and (not catalog.products or len(customers) < len(DEMO_CUSTOMERS)):
        raise ValueError(
            f"orders need at least one product and {len(DEMO_CUSTOMERS)} customers"
        )
    cutoff = datetime.combine(today, time(), tzinfo=timezone.utc)
    sink = _OrderSink(session, batch_size)
    n_demo = min(count, len(DEMO_ORDERS))
    for demo in DEMO_ORDERS[:n_demo]:
        _add_demo_order(sink, rng, demo, catalog, customers, today)
    tick(n_demo)
    n_random = count - n_demo
    # Random orders go to regular customers when there are any, so each demo
    # customer has exactly one order for walkthroughs.
    first_regular = len(DEMO_CUSTOMERS) if len(customers) > len(DEMO_CUSTOMERS) else 0
    n_regular = len(customers) - first_regular
    for i in range(n_random):
        # Numbers rise with time: the i-th random order is placed after the previous one.
        progress = (i + rng.random()) / n_random
        age = timedelta(days=WINDOW_DAYS * (1 - progress) ** RECENCY_SKEW)
        placed_at = (cutoff - max(age, timedelta(seconds=1))).replace(microsecond=0)
        # A few loyal customers place many orders, most place one or two.
        customer_id = first_regular + 1 + int(n_regular * rng.random() ** 1.6)
        express = rng.random() < EXPRESS_SHARE
        items = _pick_items(rng, catalog)
        life = simulate(rng, placed_at, cutoff, customers.countries[customer_id - 1], express)
        sink.add(customer_id, customers.emails[customer_id - 1],
                 customers.addresses[customer_id - 1], express, items, life)
        if (i + 1) % 1000 == 0:
            tick(1000)
    sink.writer.flush()
    tick(n_random % 1000)
    return sink.stats


def _pick_items(rng: random.Random, catalog: CatalogIndex) -> list[tuple[int, int, Decimal]]:
    """1-4 distinct variants, mostly one of each."""
    wanted = rng.choices((1, 2, 3, 4), weights=(60, 25, 10, 5))[0]
    items: dict[int, tuple[int, int, Decimal]] = {}
    for _ in range(wanted):
        product_id = rng.randint(1, len(catalog.products))
        _first, colors, sizes, price = catalog.products[product_id - 1]
        variant_id = catalog.variant_id(product_id, rng.randrange(colors), rng.randrange(sizes))
        qty = rng.choices((1, 2, 3), weights=(85, 12, 3))[0]
        items.setdefault(variant_id, (variant_id, qty, price))
    return list(items.values())


def _add_demo_order(
    sink: _OrderSink, rng: random.Random, demo: dict[str, str], catalog: CatalogIndex,
    customers: CustomerIndex, today: date,
) -> None:
    spec = DEMO_TIMELINES[demo["number"]]
    customer_id = next(i for i, c in enumerate(DEMO_CUSTOMERS, 1) if c["email"] == demo["email"])
    events = []
    for status, days_before, hhmm in spec["events"]:
        hour, minute = map(int, hhmm.split(":"))
        at = datetime.combine(today - timedelta(days=days_before), time(hour, minute),
                              tzinfo=timezone.utc)
        note = f"Handed to {spec['carrier']}" if status == "shipped" else _EVENT_NOTES[OrderStatus(status)]
        events.append((OrderStatus(status), at, note))
    life = Lifecycle(events[-1][0], events)
    if spec["carrier"]:
        life.carrier = spec["carrier"]
        life.tracking_number = tracking_number(rng, spec["carrier"])
        life.estimated_delivery = today - timedelta(days=spec["estimated_delivery"])
    if life.status is OrderStatus.DELIVERED:
        life.delivered_at = events[-1][1]
    items: dict[int, tuple[int, int, Decimal]] = {}
    for slug in spec["items"]:
        # The category's first product, in its first colour and a middle size:
        # the same for a given seed whatever --products and --orders say.
        product_id = catalog.first_product_by_category.get(slug, 1)
        _first, _colors, sizes, price = catalog.products[product_id - 1]
        variant_id = catalog.variant_id(product_id, 0, sizes // 2)
        items.setdefault(variant_id, (variant_id, 1, price))
    sink.add(customer_id, demo["email"], customers.addresses[customer_id - 1], False,
             list(items.values()), life)
