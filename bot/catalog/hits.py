"""What a search or a recommendation shows of a product, and building it from the DB."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Brand, Category, Product, ProductVariant
from bot.settings import get_settings


@dataclass(frozen=True, slots=True)
class ProductHit:
    id: int
    name: str
    brand: str
    category: str
    price: Decimal
    stock: int
    colors: tuple[str, ...]
    sizes_in_stock: tuple[str, ...]
    url: str
    image_url: str
    rating: Decimal

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


def product_url(slug: str) -> str:
    """The product's page in the shop."""
    return f"{get_settings().shop_base_url.rstrip('/')}/products/{slug}"


def _hit(product, brand: str, category: str, all_variants, colors: tuple[str, ...], sizes: tuple[str, ...]) -> ProductHit:
    """``product``: anything with the product's columns (an ORM row or a plain one);
    the stock counts only the variants of ``colors`` and ``sizes``."""
    variants = [
        v for v in all_variants
        if (not colors or v.color in colors) and (not sizes or v.size in sizes)
    ]
    base = get_settings().shop_base_url.rstrip("/")
    return ProductHit(
        id=product.id,
        name=product.name,
        brand=brand,
        category=category,
        price=product.price,
        stock=sum(v.stock for v in variants),
        colors=tuple(dict.fromkeys(v.color for v in all_variants)),
        sizes_in_stock=tuple(dict.fromkeys(v.size for v in variants if v.stock > 0 and v.size)),
        url=product_url(product.slug),
        image_url=f"{base}{product.image_url}" if product.image_url.startswith("/") else product.image_url,
        rating=product.rating,
    )


def product_hit(
    product: Product, *, colors: tuple[str, ...] = (), sizes: tuple[str, ...] = ()
) -> ProductHit:
    """Build the hit for ``product`` (variants, brand, category loaded); stock counts matching variants."""
    return _hit(product, product.brand.name, product.category.name, product.variants, colors, sizes)


def _variant_rows(session: Session, ids: Sequence[int]):
    rows = session.execute(
        select(ProductVariant.product_id, ProductVariant.color, ProductVariant.size, ProductVariant.stock)
        .where(ProductVariant.product_id.in_(ids)).order_by(ProductVariant.id)
    )
    by_product: dict[int, list] = defaultdict(list)
    for row in rows:
        by_product[row.product_id].append(row)
    return by_product


def hits_by_id(
    session: Session, ids: Sequence[int], *, colors: tuple[str, ...] = (), sizes: tuple[str, ...] = ()
) -> list[ProductHit]:
    """The hits of products ``ids``, in that order (unknown ids left out), from two plain
    queries: the same as ``product_hit`` without loading ORM objects."""
    if not ids:
        return []
    rows = session.execute(
        select(Product.id, Product.name, Product.slug, Product.price, Product.rating, Product.image_url,
               Brand.name.label("brand"), Category.name.label("category"))
        .join(Brand, Brand.id == Product.brand_id).join(Category, Category.id == Product.category_id)
        .where(Product.id.in_(ids))
    )
    products = {row.id: row for row in rows}
    variants = _variant_rows(session, list(products))
    return [_hit(products[i], products[i].brand, products[i].category, variants[i], colors, sizes)
            for i in ids if i in products]
