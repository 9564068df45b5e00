"""Categories, brands, products and variants of the demo shop."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.models import Brand, Category, Product, ProductVariant
from bot.seed.naming import (
    Kind,
    attributes_json,
    compile_kinds,
    make_attributes,
    make_description,
    make_name,
    make_price,
    slugify,
)
from bot.seed.vocabulary import (
    BRANDS_BY_CATEGORY,
    CATEGORIES,
    CATEGORY_CODES,
    CATEGORY_WEIGHTS,
    COLOR_CODES,
    COLORS,
)
from bot.seed.writer import BatchWriter

# Share of variants sold out, and of products sold out in every option.
ZERO_STOCK_SHARE = 0.125
SOLD_OUT_PRODUCT_SHARE = 0.03
MAX_STOCK = 40


@dataclass
class CatalogIndex:
    """What orders need to know about the catalog, kept compact in memory."""

    # Per product (index = id - 1): first variant id, colours, sizes, price.
    products: list[tuple[int, int, int, Decimal]] = field(default_factory=list)
    first_product_by_category: dict[str, int] = field(default_factory=dict)
    categories: int = 0
    brands: int = 0
    variants: int = 0
    zero_stock_variants: int = 0

    def variant_id(self, product_id: int, color_index: int, size_index: int) -> int:
        """Id of a product's variant; variants are stored colour-major."""
        first, _colors, sizes, _price = self.products[product_id - 1]
        return first + color_index * sizes + size_index


def seed_taxonomy(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """Insert categories and brands; return ids by category slug and brand name."""
    category_ids = {c["slug"]: i for i, c in enumerate(CATEGORIES, start=1)}
    rows = [
        {"id": category_ids[c["slug"]], "slug": c["slug"], "name": c["name"],
         "synonyms": ",".join(c["synonyms"])}
        for c in CATEGORIES
    ]
    session.execute(insert(Category.__table__), rows)
    brand_ids: dict[str, int] = {}
    for category in CATEGORIES:
        for brand in BRANDS_BY_CATEGORY[category["slug"]]:
            brand_ids.setdefault(brand, len(brand_ids) + 1)
    session.execute(
        insert(Brand.__table__),
        [{"id": i, "slug": slugify(name), "name": name} for name, i in brand_ids.items()],
    )
    return category_ids, brand_ids


def seed_catalog(
    session: Session,
    rng: random.Random,
    count: int,
    tick: Callable[[int], None] = lambda n: None,
    batch_size: int = 5000,
) -> CatalogIndex:
    """Insert ``count`` products with variants and return the catalog index."""
    category_ids, brand_ids = seed_taxonomy(session)
    index = CatalogIndex(categories=len(category_ids), brands=len(brand_ids))
    kinds_by_category = compile_kinds()
    slugs = [c["slug"] for c in CATEGORIES]
    cum_weights = _cumulative([CATEGORY_WEIGHTS[s] for s in slugs])
    writer = BatchWriter(session, [Product, ProductVariant], batch_size)
    taken: set[str] = set()
    next_variant_id = 1
    for product_id in range(1, count + 1):
        # The first products visit every category once so none stays empty.
        if product_id <= len(slugs):
            slug = slugs[product_id - 1]
        else:
            slug = rng.choices(slugs, cum_weights=cum_weights)[0]
        kinds, kind_weights = kinds_by_category[slug]
        kind = rng.choices(kinds, cum_weights=kind_weights)[0]
        brand = rng.choice(kind.brands)
        product_row, variant_rows = _product(rng, kind, brand, product_id, next_variant_id, taken)
        product_row["category_id"] = category_ids[slug]
        product_row["brand_id"] = brand_ids[brand]
        writer.add(Product, product_row)
        for row in variant_rows:
            writer.add(ProductVariant, row)
            index.zero_stock_variants += row["stock"] == 0
        n_colors = len(variant_rows) // len(kind.sizes)
        index.products.append((next_variant_id, n_colors, len(kind.sizes), product_row["price"]))
        index.first_product_by_category.setdefault(slug, product_id)
        next_variant_id += len(variant_rows)
        if product_id % 500 == 0:
            tick(500)
    writer.flush()
    tick(count % 500)
    index.variants = next_variant_id - 1
    return index


def _product(
    rng: random.Random, kind: Kind, brand: str, product_id: int, first_variant_id: int,
    taken: set[str],
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """One product row and its colour x size variant rows."""
    naming = make_name(rng, kind, brand, taken)
    attrs = make_attributes(rng, kind, naming)
    sku = f"{CATEGORY_CODES[kind.category]}-{_brand_code(brand)}-{product_id:06d}"
    product = {
        "id": product_id,
        "sku": sku,
        "slug": slugify(naming.name),
        "name": naming.name,
        "description": make_description(rng, kind, naming, attrs),
        "attributes": attributes_json(attrs),
        "price": make_price(rng, kind, brand, naming.name),
        # Ratings cluster around 4.3 like real shops; few products score low.
        "rating": Decimal(str(round(rng.triangular(3.0, 5.0, 4.5), 1))),
        "review_count": min(int(rng.lognormvariate(3.2, 1.3)), 4800),
        "image_url": f"/static/img/products/{kind.category}.svg",
    }
    palette = kind.colors or tuple(COLORS)
    n_colors = rng.choices((1, 2, 3, 4), weights=(25, 35, 25, 15))[0]
    colors = rng.sample(palette, n_colors)
    sold_out = rng.random() < SOLD_OUT_PRODUCT_SHARE
    variants: list[dict[str, object]] = []
    for color in colors:
        for size in kind.sizes:
            zero = sold_out or rng.random() < ZERO_STOCK_SHARE
            variants.append({
                "id": first_variant_id + len(variants),
                "product_id": product_id,
                "sku": f"{sku}-{COLOR_CODES[color]}-{_size_code(size)}",
                "size": size,
                "color": color,
                "stock": 0 if zero else rng.randint(1, MAX_STOCK),
            })
    return product, variants


def _brand_code(brand: str) -> str:
    # Initials for multi-word brands ("TNF"), else the first three letters.
    words = re.findall(r"[A-Za-z]+", brand.replace("'", ""))
    if len(words) > 1:
        return "".join(w[0] for w in words).upper()
    return words[0][:3].upper()


def _size_code(size: str) -> str:
    return "OS" if size == "One Size" else size


def _cumulative(weights: list[int]) -> list[int]:
    total, out = 0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out
