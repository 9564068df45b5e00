"""Purchase baskets, the recommender's input: from the shop DB or the UCI Online Retail log."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Order, OrderItem, OrderStatus, Product, ProductVariant
from bot.online_retail import DEFAULT_PATH, read_rows

# Read at run time from the shared data folder, never copied into the repository.
ONLINE_RETAIL = DEFAULT_PATH

_WORD = re.compile(r"[a-z]{3,}")


@dataclass(frozen=True)
class Basket:
    """One order (or invoice): who bought which items, and when."""

    user: str
    basket: str
    when: datetime
    items: frozenset[str]


@dataclass
class Dataset:
    """Baskets plus what the rules baseline knows about each item."""

    name: str
    baskets: list[Basket]
    # demo: item -> (category, brand, rating, reviews); retail: item -> words of its description
    item_traits: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def shop_baskets(session: Session) -> list[Basket]:
    """The shop's orders that were not cancelled, as baskets of product ids (as text)."""
    rows = session.execute(
        select(Order.id, Order.customer_id, Order.placed_at, ProductVariant.product_id)
        .join(OrderItem, OrderItem.order_id == Order.id)
        .join(ProductVariant, ProductVariant.id == OrderItem.variant_id)
        .where(Order.status != OrderStatus.CANCELLED)
    ).all()
    grouped: dict[int, tuple[int, datetime, set[str]]] = {}
    for order_id, customer_id, placed_at, product_id in rows:
        grouped.setdefault(order_id, (customer_id, placed_at, set()))[2].add(str(product_id))
    return [Basket(user=str(c), basket=str(o), when=w, items=frozenset(items))
            for o, (c, w, items) in sorted(grouped.items())]


def shop_dataset(session: Session) -> Dataset:
    """The demo shop's baskets with category, brand and rating of every product (the rules' view)."""
    traits = {
        str(pid): (cat, brand, float(rating), reviews)
        for pid, cat, brand, rating, reviews in session.execute(
            select(Product.id, Product.category_id, Product.brand_id, Product.rating, Product.review_count))
    }
    return Dataset(name="demo", baskets=shop_baskets(session), item_traits=traits)


def orders_stamp(session: Session) -> str:
    """A cheap fingerprint of the order history: count, highest id and cancelled count.

    A new order raises the first two; a cancellation (its items leave the training data) the last.
    """
    count, top = session.execute(select(func.count(Order.id), func.max(Order.id))).one()
    cancelled = session.scalar(select(func.count(Order.id)).where(Order.status == OrderStatus.CANCELLED))
    return f"{count}:{top or 0}:{cancelled}"


def is_merchandise(stock_code: str) -> bool:
    """Goods have numeric stock codes (85123A); POST, DOT, M, BANK CHARGES, C2, gift_... are not."""
    return stock_code[:1].isdigit()


def retail_dataset(path: Path = ONLINE_RETAIL) -> Dataset:
    """The UCI Online Retail log as baskets (one per invoice), after the README's clean-purchase filter.

    Clean purchase: a CustomerID, an InvoiceNo not starting with C, Quantity > 0 and
    UnitPrice > 0. Postage, fees and other non-goods codes are dropped as well, since
    "recommending" postage is not a recommendation. The rules baseline sees the words of
    each item's (most common) description, as the data has no categories or brands.
    """
    counts: Counter = Counter()
    clean_rows = 0
    invoices: dict[str, tuple[str, datetime, set[str]]] = {}
    descriptions: dict[str, Counter] = defaultdict(Counter)
    clean_invoices: dict[int, set[str]] = defaultdict(set)
    for row in read_rows(path, counts):
        if row.customer_id is None:
            continue
        clean_rows += 1
        clean_invoices[row.customer_id].add(row.invoice)
        if not is_merchandise(row.stock_code):
            continue
        entry = invoices.setdefault(row.invoice, (str(row.customer_id), row.at, set()))
        entry[2].add(row.stock_code)
        if row.description:
            descriptions[row.stock_code][row.description.lower()] += 1
    baskets = [Basket(user=c, basket=i, when=w, items=frozenset(items))
               for i, (c, w, items) in sorted(invoices.items(), key=lambda kv: (kv[1][1], kv[0]))]
    words = {code: frozenset(_WORD.findall(names.most_common(1)[0][0])) for code, names in descriptions.items()}
    repeat = sum(1 for invoices_of in clean_invoices.values() if len(invoices_of) >= 2)
    notes = [f"{counts['rows']:,} rows; README filter: {clean_rows:,} clean purchase rows, {len(clean_invoices):,} customers, "
             f"{repeat:,} with at least 2 purchase invoices; then non-goods stock codes (POST, DOT, M, ...) dropped"]
    return Dataset(name="online-retail", baskets=baskets, item_traits=words, notes=notes)
