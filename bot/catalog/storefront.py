"""Read model of the demo shop front: categories, category pages, product pages."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.models import Category, Product

PAGE_SIZE = 24
SORTS = ("popular", "price-asc", "price-desc")
_ORDERS = {
    "popular": (Product.rating.desc(), Product.review_count.desc(), Product.id),
    "price-asc": (Product.price.asc(), Product.id),
    "price-desc": (Product.price.desc(), Product.id),
}
_CARD_OPTIONS = (selectinload(Product.brand), selectinload(Product.category), selectinload(Product.variants))
# Attribute key suffixes that are units ("weight_g" -> "Weight", "250 g").
_UNITS = {
    "g": "g", "gsm": "g/m²", "kg": "kg", "mm": "mm", "cm": "cm", "m": "m", "l": "L",
    "in": "in", "hours": "hours", "days": "days",
}


@dataclass(frozen=True, slots=True)
class CategorySummary:
    slug: str
    name: str
    product_count: int


@dataclass(frozen=True, slots=True)
class ProductCard:
    slug: str
    name: str
    brand: str
    category: str
    price: Decimal
    rating: Decimal
    review_count: int
    image_url: str
    in_stock: bool


@dataclass(frozen=True, slots=True)
class CategoryPage:
    category: CategorySummary
    products: tuple[ProductCard, ...]
    sort: str
    page: int
    pages: int


@dataclass(frozen=True, slots=True)
class StockRow:
    color: str
    stock: tuple[int | None, ...]  # per size, in ``ProductPage.sizes`` order; None: no such variant


@dataclass(frozen=True, slots=True)
class ProductPage:
    id: int
    slug: str
    name: str
    brand: str
    category_slug: str
    category_name: str
    price: Decimal
    description: str
    attributes: tuple[tuple[str, str], ...]
    rating: Decimal
    review_count: int
    image_url: str
    colors: tuple[str, ...]
    sizes: tuple[str, ...]
    stock: tuple[StockRow, ...]

    @property
    def total_stock(self) -> int:
        return sum(n or 0 for row in self.stock for n in row.stock)


def _card(product: Product) -> ProductCard:
    return ProductCard(
        slug=product.slug,
        name=product.name,
        brand=product.brand.name,
        category=product.category.name,
        price=product.price,
        rating=product.rating,
        review_count=product.review_count,
        image_url=product.image_url,
        in_stock=any(v.stock > 0 for v in product.variants),
    )


def _attribute(key: str, value: object) -> tuple[str, str]:
    head, _, unit = key.rpartition("_")
    if head and unit in _UNITS:
        key, suffix = head, f" {_UNITS[unit]}"
    else:
        suffix = ""
    text = ("Yes" if value else "No") if isinstance(value, bool) else f"{value}{suffix}"
    return key.replace("_", " ").capitalize(), text


def _attributes(raw: str) -> tuple[tuple[str, str], ...]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return ()
    return tuple(_attribute(k, v) for k, v in data.items()) if isinstance(data, dict) else ()


def list_categories(session: Session) -> tuple[CategorySummary, ...]:
    """Every category with the number of products in it, in catalog order."""
    stmt = (
        select(Category.slug, Category.name, func.count(Product.id))
        .outerjoin(Product, Product.category_id == Category.id)
        .group_by(Category.id, Category.slug, Category.name)
        .order_by(Category.id)
    )
    return tuple(CategorySummary(slug, name, count) for slug, name, count in session.execute(stmt))


def category_page(session: Session, *, slug: str, page: int = 1, sort: str = "popular") -> CategoryPage | None:
    """One page of a category's products (page clamped to the range), or None if no such category."""
    row = session.execute(
        select(Category.id, Category.name, func.count(Product.id))
        .outerjoin(Product, Product.category_id == Category.id)
        .where(Category.slug == slug)
        .group_by(Category.id, Category.name)
    ).first()
    if row is None:
        return None
    category_id, name, total = row
    sort = sort if sort in SORTS else "popular"
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    stmt = (
        select(Product).where(Product.category_id == category_id).order_by(*_ORDERS[sort])
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE).options(*_CARD_OPTIONS)
    )
    products = tuple(_card(p) for p in session.scalars(stmt))
    return CategoryPage(CategorySummary(slug, name, total), products, sort=sort, page=page, pages=pages)


def product_page(session: Session, *, slug: str) -> ProductPage | None:
    """The product page for ``slug`` with stock per colour and size, or None if no such product."""
    stmt = select(Product).where(Product.slug == slug).options(*_CARD_OPTIONS)
    product = session.scalars(stmt).first()
    if product is None:
        return None
    colors = tuple(dict.fromkeys(v.color for v in product.variants))
    sizes = tuple(dict.fromkeys(v.size for v in product.variants))
    by_option = {(v.color, v.size): v.stock for v in product.variants}
    return ProductPage(
        id=product.id,
        slug=product.slug,
        name=product.name,
        brand=product.brand.name,
        category_slug=product.category.slug,
        category_name=product.category.name,
        price=product.price,
        description=product.description,
        attributes=_attributes(product.attributes),
        rating=product.rating,
        review_count=product.review_count,
        image_url=product.image_url,
        colors=colors,
        sizes=sizes,
        stock=tuple(StockRow(c, tuple(by_option.get((c, s)) for s in sizes)) for c in colors),
    )


def featured_products(session: Session, *, per_category: int = 1) -> tuple[ProductCard, ...]:
    """The top-rated products of each category, for the home page."""
    rank = (
        func.row_number()
        .over(partition_by=Product.category_id, order_by=_ORDERS["popular"])
        .label("rank")
    )
    ranked = select(Product.id, Product.category_id, rank).subquery()
    stmt = (
        select(Product).join(ranked, ranked.c.id == Product.id).where(ranked.c.rank <= per_category)
        .order_by(ranked.c.category_id, ranked.c.rank).options(*_CARD_OPTIONS)
    )
    return tuple(_card(p) for p in session.scalars(stmt))


def related_products(session: Session, *, slug: str, limit: int = 4) -> tuple[ProductCard, ...]:
    """Popular products from the same category as ``slug``, excluding it."""
    category_id = select(Product.category_id).where(Product.slug == slug).scalar_subquery()
    stmt = (
        select(Product).where(Product.category_id == category_id, Product.slug != slug)
        .order_by(*_ORDERS["popular"]).limit(limit).options(*_CARD_OPTIONS)
    )
    return tuple(_card(p) for p in session.scalars(stmt))


def product_cards(session: Session, *, ids: Sequence[int]) -> tuple[ProductCard, ...]:
    """Cards for the products ``ids``, in that order (unknown ids are skipped)."""
    if not ids:
        return ()
    products = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(ids)).options(*_CARD_OPTIONS))}
    return tuple(_card(products[i]) for i in ids if i in products)
