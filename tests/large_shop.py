"""A large shop built in seconds with bulk inserts, for tests of the paths that must scale.

Not the seed (a minute at this size): plain rows written with one ``executemany`` per
table, deterministic, with enough of everything (sold-out variants, cancelled and old
orders, customers with many orders) for the indexes and aggregates to matter.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.aggregates import refresh_aggregates
from bot.db import make_engine
from bot.migrate import upgrade
from bot.models import Brand, Category, Customer, Order, OrderItem, OrderStatus, Product, ProductVariant
from bot.seed.admin import sync_sequences

PRODUCTS = 20_000
CUSTOMERS = 2_000
ORDERS = 30_000
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
CATEGORIES = ["jackets", "sneakers", "hoodies", "watches", "backpacks", "boots", "t-shirts", "headphones"]
ADJECTIVES = ["waterproof", "light", "classic", "trail", "urban", "thermal", "vintage", "wireless",
              "leather", "padded", "slim", "rugged"]
WORDS = ["breathable", "recycled", "organic", "windproof", "cushioned", "durable", "soft", "quick-dry"]
COLORS = ["black", "white", "red", "blue", "grey", "green"]
SIZES = ["S", "M", "L", "42", "43"]


def _products(rng: random.Random, brands: int) -> tuple[list[dict], list[dict]]:
    products, variants = [], []
    for pid in range(1, PRODUCTS + 1):
        category = rng.randrange(len(CATEGORIES))
        adjective, noun = rng.choice(ADJECTIVES), CATEGORIES[category].rstrip("s")
        products.append({
            "id": pid, "sku": f"L-{pid}", "slug": f"large-{pid}",
            "name": f"Brand{pid % brands} {adjective.title()} {noun.title()} {rng.randint(1, 400)}",
            "description": f"A {rng.choice(WORDS)} and {rng.choice(WORDS)} {noun}.",
            "attributes": "{}", "price": Decimal(rng.randint(500, 40000)) / 100,
            "category_id": category + 1, "brand_id": pid % brands + 1,
            "rating": Decimal(rng.randint(10, 50)) / 10, "review_count": rng.randint(0, 400), "image_url": "",
        })
        for n, (color, size) in enumerate(rng.sample([(c, s) for c in COLORS for s in SIZES], 2)):
            stock = 0 if pid % 9 == 0 or rng.random() < 0.1 else rng.randint(1, 30)
            variants.append({"id": 2 * pid - 1 + n, "product_id": pid, "sku": f"L-{pid}-{n}",
                             "size": size, "color": color, "stock": stock})
    return products, variants


def _orders(rng: random.Random) -> tuple[list[dict], list[dict]]:
    statuses = list(OrderStatus)
    orders, items = [], []
    for oid in range(1, ORDERS + 1):
        customer = rng.randint(1, CUSTOMERS) if oid % 4 else rng.randint(1, 20)  # a few heavy buyers
        orders.append({
            "id": oid, "number": f"L{oid:07d}", "customer_id": customer, "email": f"buyer{customer}@large.example",
            "status": rng.choice(statuses), "placed_at": NOW - timedelta(days=rng.uniform(0, 200)),
            "total": Decimal("10.00"), "currency": "USD", "shipping_address": "1 Large Street",
            "shipping_method": "standard",
        })
        for _ in range(rng.randint(1, 3)):
            # Popular products are sold far more often: the top of the lists is not a tie.
            product = min(rng.randint(1, PRODUCTS) for _ in range(3))
            items.append({"order_id": oid, "variant_id": 2 * product - 1, "quantity": rng.randint(1, 3),
                          "unit_price": Decimal("10.00")})
    return orders, items


def build_large_shop(url: str, *, seed: int = 18) -> None:
    """Migrate the empty database at ``url`` and fill it with the large shop."""
    upgrade(url)
    rng = random.Random(seed)
    brands = 40
    products, variants = _products(rng, brands)
    orders, items = _orders(rng)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            session.execute(insert(Category), [{"id": i, "slug": s, "name": s.title(), "synonyms": ""}
                                               for i, s in enumerate(CATEGORIES, start=1)])
            session.execute(insert(Brand), [{"id": i + 1, "slug": f"brand{i}", "name": f"Brand{i}"}
                                            for i in range(brands)])
            session.execute(insert(Product), products)
            session.execute(insert(ProductVariant), variants)
            session.execute(insert(Customer), [
                {"id": i, "email": f"buyer{i}@large.example", "first_name": "Buyer", "last_name": str(i)} for i in range(1, CUSTOMERS + 1)])
            session.execute(insert(Order), orders)
            session.execute(insert(OrderItem), items)
            sync_sequences(session)
            refresh_aggregates(session, now=NOW)
            session.commit()
    finally:
        engine.dispose()
