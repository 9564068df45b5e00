"""Product recommendations: best sellers, top rated, similar items, and for a customer."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, case, exists, func, select, tuple_
from sqlalchemy.orm import Session, aliased

from bot.aggregates import SALES_WINDOWS
from bot.catalog.hits import ProductHit, hits_by_id
from bot.db import serially
from bot.errors import ProductNotFound
from bot.models import (
    ALL_CATEGORIES,
    BestSeller,
    CatalogGroup,
    Category,
    Customer,
    Order,
    OrderItem,
    OrderStatus,
    Product,
    ProductVariant,
)

SIMILAR_PRICE_BAND = Decimal("0.35")
_SIMILAR_CANDIDATES = 300  # nearest in price, scored in Python


def _has_stock(product_id: ColumnElement[int]) -> ColumnElement[bool]:
    """True when the product ``product_id`` has a variant in stock."""
    variant = aliased(ProductVariant)  # the outer query may use variants itself
    return exists().where(variant.product_id == product_id, variant.stock > 0)


def _sold_out(product_id: ColumnElement[int]) -> ColumnElement[int]:
    """0 when the product ``product_id`` has a variant in stock, else 1 (sorts in-stock first)."""
    return case((_has_stock(product_id), 0), else_=1)


def _hits_by_id(session: Session, ids: Sequence[int]) -> list[ProductHit]:
    return hits_by_id(session, ids)


def best_sellers(
    session: Session, *, category_slug: str | None = None, days: int = 90, limit: int = 5,
    exclude_ids: Sequence[int] = (),
) -> list[ProductHit]:
    """Most units sold in non-cancelled orders of the last ``days`` days, in-stock first.

    Read from the lists ``bot.aggregates`` rebuilds (at most ``MAX_STALE_MINUTES`` old);
    ``days`` is one of ``SALES_WINDOWS``.
    """
    if days not in SALES_WINDOWS:
        raise ValueError(f"best sellers cover {', '.join(map(str, SALES_WINDOWS))} days, not {days}")
    category = (
        ALL_CATEGORIES if category_slug is None
        else select(Category.id).where(Category.slug == category_slug).scalar_subquery()
    )
    product_id = BestSeller.product_id
    stmt = (
        select(product_id)
        .where(BestSeller.window_days == days, BestSeller.category_id == category)
        .order_by(_sold_out(product_id), BestSeller.rank)
        .limit(limit)
    )
    if exclude_ids:
        stmt = stmt.where(product_id.not_in(exclude_ids))
    return _hits_by_id(session, list(session.scalars(stmt)))


def _in_rating_order(session: Session, stmt: Select, limit: int) -> list[int]:
    """Ids of ``stmt``'s products best rated first: in stock, then sold out.

    Two walks down a rating-ordered index, each stopped at ``limit``, instead of one
    sort of every match by stock first.
    """
    stmt = stmt.order_by(Product.rating.desc(), Product.review_count.desc(), Product.id)
    ids = list(session.scalars(stmt.where(_has_stock(Product.id)).limit(limit)))
    if len(ids) < limit:
        ids += session.scalars(stmt.where(~_has_stock(Product.id)).limit(limit - len(ids)))
    return ids


@serially
def top_rated(
    session: Session, *, category_slug: str | None = None, min_reviews: int = 20, limit: int = 5
) -> list[ProductHit]:
    """Best rated products with at least ``min_reviews`` reviews, in-stock first."""
    stmt = select(Product.id).where(Product.review_count >= min_reviews)
    if category_slug is not None:
        stmt = stmt.where(
            Product.category_id == select(Category.id).where(Category.slug == category_slug).scalar_subquery())
    return _hits_by_id(session, _in_rating_order(session, stmt, limit))


def _attributes(raw: str) -> dict[str, object]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@serially
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


def _bought(session: Session, email: str):
    return session.execute(
        select(Product.id, Product.category_id, Product.brand_id)
        .join(ProductVariant, ProductVariant.product_id == Product.id)
        .join(OrderItem, OrderItem.variant_id == ProductVariant.id)
        .join(Order, Order.id == OrderItem.order_id)
        .join(Customer, Customer.id == Order.customer_id)
        .where(Customer.email == email, func.lower(Order.email) == email,
               Order.status != OrderStatus.CANCELLED)
        .distinct()
    ).all()


def _groups_by_affinity(session: Session, categories: Counter, brands: Counter) -> list[list[tuple[int, int]]]:
    """The (category, brand) groups sharing a category or brand with the purchases, by
    affinity (purchases in the category plus purchases of the brand), highest first."""
    rows = session.execute(
        select(CatalogGroup.category_id, CatalogGroup.brand_id)
        .where(CatalogGroup.category_id.in_(categories) | CatalogGroup.brand_id.in_(brands))
    ).all()
    levels: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for category_id, brand_id in rows:
        levels[categories[category_id] + brands[brand_id]].append((category_id, brand_id))
    return [levels[affinity] for affinity in sorted(levels, reverse=True)]


def _picks(session: Session, levels, owned: list[int], limit: int, *, in_stock: bool) -> list[int]:
    """Best rated products of the groups, level after level, until ``limit`` are found."""
    ids: list[int] = []
    stock = _has_stock(Product.id)
    for groups in levels:
        if len(ids) >= limit:
            break
        stmt = (
            select(Product.id)
            .where(tuple_(Product.category_id, Product.brand_id).in_(groups), Product.id.not_in(owned),
                   stock if in_stock else ~stock)
            .order_by(Product.rating.desc(), Product.review_count.desc(), Product.id)
            .limit(limit - len(ids))
        )
        ids += session.scalars(stmt)
    return ids


@serially
def for_customer(session: Session, *, email: str, limit: int = 5) -> list[ProductHit]:
    """Products from the categories and brands a verified customer bought, minus what they own.

    Ranked in stock first, then by affinity, then by rating. Each category-and-brand group
    has one affinity, so the groups are read best first, each down its rating index, and
    only as many as it takes (the groups are ``bot.aggregates``'s, at most
    ``MAX_STALE_MINUTES`` old). Topped up with best sellers when their history suggests too little.
    """
    email = email.strip().lower()
    bought = _bought(session, email)
    owned = sorted({row.id for row in bought})
    hits: list[ProductHit] = []
    if bought:
        levels = _groups_by_affinity(session, Counter(r.category_id for r in bought),
                                     Counter(r.brand_id for r in bought))
        ids = _picks(session, levels, owned, limit, in_stock=True)
        if len(ids) < limit:
            ids += _picks(session, levels, owned, limit - len(ids), in_stock=False)
        hits = _hits_by_id(session, ids)
    if len(hits) < limit:
        seen = owned + [h.id for h in hits]
        hits += best_sellers(session, limit=limit - len(hits), exclude_ids=seen)
    return hits


_KINDS = (
    ("also_bought", re.compile(r"\b(also (bought|buy|got|ordered|purchased)|bought (it |this |that )?together|"
                               r"(goes|go|pairs?) (well )?with (it|this|that)|frequently bought|"
                               r"auch gekauft|zusammen gekauft|dazu gekauft|passt dazu)\b")),
    ("similar", re.compile(r"\b(similar|alternatives?|instead|like (this|that|it|the)|comparable|other options?)\b")),
    ("personal", re.compile(r"\b(for me|my (taste|style|orders?|purchases?|history)|based on|i (might|would|'d) like|"
                            r"personali[sz]ed|suit me)\b")),
    ("top_rated", re.compile(r"\b(top|best|highest|well|good)[ -]?(rated|reviewed|reviews|ratings?)\b|\b(stars?|reviews?)\b")),
)


_ASKING_WORDS = re.compile(r"\b(customers?|people|others?|shoppers?|who|what|which|did|do|does|else|bought|buy|"
                          r"buys|ordered|purchased|also|together|kunden|andere|haben|gekauft|auch|zusammen)\b")


def _plain_words(text: str | None) -> str:
    """``text`` lower-cased, curly apostrophes straightened, spaces collapsed."""
    return " ".join((text or "").lower().replace("\u2019", "'").split())


def about_the_product(text: str | None) -> str:
    """``text`` without the words of an "also bought" question, so that only the product (or
    "this", "it") is left to find: "customers" or "bought" must not be searched as a product."""
    cleaned = _plain_words(text)
    return " ".join(_ASKING_WORDS.sub(" ", cleaned).split())


def recommendation_kind(text: str | None) -> str:
    """What a recommendation request asks for: also_bought, similar, personal, top_rated or best_sellers."""
    cleaned = _plain_words(text)
    for kind, pattern in _KINDS:
        if pattern.search(cleaned):
            return kind
    return "best_sellers"
