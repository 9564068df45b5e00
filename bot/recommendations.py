"""Product recommendations: best sellers, top rated, similar items, and for a customer."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, case, exists, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from bot.catalog.search import ProductHit, product_hit
from bot.errors import ProductNotFound
from bot.models import (
    Category,
    Customer,
    Order,
    OrderItem,
    OrderStatus,
    Product,
    ProductVariant,
)
from bot.models.base import utcnow

SIMILAR_PRICE_BAND = Decimal("0.35")
_SIMILAR_CANDIDATES = 300  # nearest in price, scored in Python


def _sold_out(product_id: ColumnElement[int]) -> ColumnElement[int]:
    """0 when the product ``product_id`` has a variant in stock, else 1 (sorts in-stock first)."""
    variant = aliased(ProductVariant)  # the outer query may use variants itself
    return case((exists().where(variant.product_id == product_id, variant.stock > 0), 0), else_=1)


def _hits(session: Session, stmt: Select) -> list[ProductHit]:
    stmt = stmt.options(
        selectinload(Product.variants), selectinload(Product.brand), selectinload(Product.category)
    )
    return [product_hit(p) for p in session.scalars(stmt)]


def _hits_by_id(session: Session, ids: Sequence[int]) -> list[ProductHit]:
    by_id = {h.id: h for h in _hits(session, select(Product).where(Product.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def best_sellers(
    session: Session, *, category_slug: str | None = None, days: int = 90, limit: int = 5,
    exclude_ids: Sequence[int] = (), now: datetime | None = None,
) -> list[ProductHit]:
    """Most units sold in non-cancelled orders of the last ``days`` days, in-stock first."""
    since = (now or utcnow()) - timedelta(days=days)
    product_id = ProductVariant.product_id
    # Grouped by the variant's product id: no join to products unless a category is asked for.
    stmt = (
        select(product_id)
        .join(OrderItem, OrderItem.variant_id == ProductVariant.id)
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.status != OrderStatus.CANCELLED, Order.placed_at >= since)
        .group_by(product_id)
        .order_by(_sold_out(product_id), func.sum(OrderItem.quantity).desc(), product_id)
        .limit(limit)
    )
    if exclude_ids:
        stmt = stmt.where(product_id.not_in(exclude_ids))
    if category_slug is not None:
        stmt = (stmt.join(Product, Product.id == product_id)
                .join(Category, Category.id == Product.category_id).where(Category.slug == category_slug))
    return _hits_by_id(session, list(session.scalars(stmt)))


def top_rated(
    session: Session, *, category_slug: str | None = None, min_reviews: int = 20, limit: int = 5
) -> list[ProductHit]:
    """Best rated products with at least ``min_reviews`` reviews, in-stock first."""
    stmt = (
        select(Product)
        .where(Product.review_count >= min_reviews)
        .order_by(_sold_out(Product.id), Product.rating.desc(), Product.review_count.desc(), Product.id)
        .limit(limit)
    )
    if category_slug is not None:
        stmt = stmt.join(Category, Category.id == Product.category_id).where(Category.slug == category_slug)
    return _hits(session, stmt)


def _attributes(raw: str) -> dict[str, object]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def similar_products(session: Session, *, product_id: int, limit: int = 5) -> list[ProductHit]:
    """Same category, price within ±35%; a shared brand and shared attributes rank higher."""
    base = session.get(Product, product_id)
    if base is None:
        raise ProductNotFound(product_id)
    low, high = base.price * (1 - SIMILAR_PRICE_BAND), base.price * (1 + SIMILAR_PRICE_BAND)
    rows = session.execute(
        select(Product.id, Product.brand_id, Product.attributes, Product.price,
               Product.rating, _sold_out(Product.id).label("sold_out"))
        .where(Product.category_id == base.category_id, Product.id != base.id,
               Product.price.between(low, high))
        .order_by(func.abs(Product.price - base.price), Product.id)
        .limit(_SIMILAR_CANDIDATES)
    ).all()
    # Only words and flags count as shared traits; equal weights or prices are chance.
    wanted = [(k, v) for k, v in _attributes(base.attributes).items() if isinstance(v, (str, bool))]

    def score(row) -> tuple:
        attributes = _attributes(row.attributes)
        shared = sum(1 for key, value in wanted if attributes.get(key) == value)
        closeness = abs(row.price - base.price) / base.price
        brand = 3 if row.brand_id == base.brand_id else 0
        return (row.sold_out, -(brand + shared), closeness, -row.rating, row.id)

    return _hits_by_id(session, [row.id for row in sorted(rows, key=score)[:limit]])


def for_customer(session: Session, *, email: str, limit: int = 5) -> list[ProductHit]:
    """Products from the categories and brands a verified customer bought, minus what they own.

    Topped up with best sellers when their history suggests too little.
    """
    email = email.strip().lower()
    bought = session.execute(
        select(Product.id, Product.category_id, Product.brand_id)
        .join(ProductVariant, ProductVariant.product_id == Product.id)
        .join(OrderItem, OrderItem.variant_id == ProductVariant.id)
        .join(Order, Order.id == OrderItem.order_id)
        .join(Customer, Customer.id == Order.customer_id)
        .where(Customer.email == email, func.lower(Order.email) == email,
               Order.status != OrderStatus.CANCELLED)
        .distinct()
    ).all()
    owned = sorted({row.id for row in bought})
    hits: list[ProductHit] = []
    if bought:
        categories = Counter(row.category_id for row in bought)
        brands = Counter(row.brand_id for row in bought)
        affinity = (
            case(categories, value=Product.category_id, else_=0)
            + case(brands, value=Product.brand_id, else_=0)
        )
        stmt = (
            select(Product)
            .where(Product.id.not_in(owned),
                   Product.category_id.in_(categories) | Product.brand_id.in_(brands))
            .order_by(_sold_out(Product.id), affinity.desc(), Product.rating.desc(),
                      Product.review_count.desc(), Product.id)
            .limit(limit)
        )
        hits = _hits(session, stmt)
    if len(hits) < limit:
        seen = owned + [h.id for h in hits]
        hits += best_sellers(session, limit=limit - len(hits), exclude_ids=seen)
    return hits


_KINDS = (
    ("similar", re.compile(r"\b(similar|alternatives?|instead|like (this|that|it|the)|comparable|other options?)\b")),
    ("personal", re.compile(r"\b(for me|my (taste|style|orders?|purchases?|history)|based on|i (might|would|'d) like|"
                            r"personali[sz]ed|suit me)\b")),
    ("top_rated", re.compile(r"\b(top|best|highest|well|good)[ -]?(rated|reviewed|reviews|ratings?)\b|\b(stars?|reviews?)\b")),
)


def recommendation_kind(text: str | None) -> str:
    """What a recommendation request asks for: similar, personal, top_rated or best_sellers."""
    cleaned = " ".join((text or "").lower().replace("\u2019", "'").split())
    for kind, pattern in _KINDS:
        if pattern.search(cleaned):
            return kind
    return "best_sellers"
