"""One product in detail: specs, stock per size and colour, and follow-up references."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session, selectinload

from bot import german
from bot.catalog.query import ProductQuery
from bot.catalog.search import ProductHit, product_hit, search_products
from bot.catalog.service import parser_for
from bot.language import DEFAULT, say
from bot.models import Product

_ORDINALS = {
    "first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3,
    "fifth": 4, "5th": 4, "last": -1,
}
_ORDINALS.update(german.ORDINALS)
_ORDINAL = re.compile(
    r"\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last|" + "|".join(german.ORDINALS) + r")\b"
    r"|(?:number|no\.?|nummer|nr\.?|#)\s*([1-5])\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class VariantStock:
    color: str
    size: str
    stock: int


@dataclass(frozen=True, slots=True)
class ProductDetails:
    hit: ProductHit
    description: str
    specs: dict[str, object]
    variants: tuple[VariantStock, ...]

    def colors_in_stock(self) -> tuple[str, ...]:
        """Colours with at least one size in stock."""
        return tuple(dict.fromkeys(v.color for v in self.variants if v.stock > 0))

    def sizes_in_stock(self, color: str | None = None) -> tuple[str, ...]:
        """Sizes in stock, optionally in one colour, smallest first ("36, 37, 38", "S, M, L")."""
        sizes = dict.fromkeys(v.size for v in self.variants
                              if v.stock > 0 and v.size and (color is None or v.color == color))
        return tuple(sorted(sizes, key=size_order))


_LETTER_SIZES = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL")


def size_order(size: str) -> tuple[int, float, str]:
    """A sort key for sizes: numbers by value, letter sizes from XXS to XXXL, anything else by name after them."""
    text = size.strip().upper()
    try:
        return (0, float(text.replace(",", ".")), text)
    except ValueError:
        pass
    if text in _LETTER_SIZES:
        return (1, float(_LETTER_SIZES.index(text)), text)
    return (2, 0.0, text)


@dataclass(frozen=True, slots=True)
class Availability:
    available: bool
    stock: int
    matched: bool  # False when the product has no such colour/size at all


def product_details(session: Session, *, product_id: int) -> ProductDetails | None:
    """The product with its specs and per-variant stock, or None if it does not exist."""
    product = session.get(Product, product_id, options=[selectinload(Product.variants)])
    if product is None:
        return None
    try:
        specs = json.loads(product.attributes or "{}")
    except ValueError:
        specs = {}
    return ProductDetails(
        hit=product_hit(product),
        description=product.description,
        specs=specs if isinstance(specs, dict) else {},
        variants=tuple(VariantStock(v.color, v.size, v.stock) for v in product.variants),
    )


def availability(details: ProductDetails, *, colors: tuple[str, ...] = (), sizes: tuple[str, ...] = ()) -> Availability:
    """Is the product in stock in any of ``colors`` and ``sizes`` (each optional)?"""
    wanted = [
        v for v in details.variants
        if (not colors or v.color in colors) and (not sizes or v.size.lower() in {s.lower() for s in sizes})
    ]
    stock = sum(v.stock for v in wanted)
    return Availability(available=stock > 0, stock=stock, matched=bool(wanted))


def referenced_index(text: str) -> int | None:
    """The list position a follow-up refers to ("the second one", "der zweite" -> 1, "last" -> -1)."""
    match = _ORDINAL.search(text or "")
    if not match:
        return None
    if match.group(1):
        return _ORDINALS[match.group(1).lower()]
    return int(match.group(2)) - 1


def resolve_product(*, text: str, shown: list[int] | None, current: int | None) -> int | None:
    """Which product a follow-up is about: an ordinal into the last list, else the current one."""
    index = referenced_index(text)
    if index is not None and shown:
        if -len(shown) <= index < len(shown):
            return shown[index]
        return None
    if current is not None:
        return current
    if shown and len(shown) == 1:
        return shown[0]
    return None


def format_specs(specs: dict[str, object], limit: int = 5, lang: str = DEFAULT) -> str:
    """``weight: 250 g, drop: 8 mm`` style summary of the first few specs (names as the catalog has them)."""
    parts = []
    for key, value in list(specs.items())[:limit]:
        label = key.replace("_", " ")
        if isinstance(value, bool):
            value = say("yes" if value else "no", lang)
        parts.append(f"{label}: {value}")
    return ", ".join(parts)


def _is_one_of(session: Session, product_id: int, query: ProductQuery) -> bool:
    """Is the product in one of the query's categories and brands (where it names any)?"""
    product = session.get(Product, product_id)
    if product is None:
        return False
    return (not query.categories or product.category.slug in query.categories) and (
        not query.brands or product.brand.slug in query.brands
    )


def find_referenced_product(
    session: Session, *, text: str, shown: list[int] | None, current: int | None
) -> tuple[int | None, ProductQuery]:
    """The product a question is about, and the parsed question (colours, sizes asked for).

    "is the second one waterproof?" and "do you have it in blue?" refer to what was
    shown; "how much is the trailblazer 2" names a product, found by searching the
    catalog for the words without colour, size or price filters (those are asked about,
    not searched for).
    """
    query = parser_for(session).parse(text)
    if referenced_index(text) is not None or not query.names_product:
        return resolve_product(text=text, shown=shown, current=current), query
    if not query.keywords:
        # Only a category or brand ("do you have hoodies in stock?", "is the jacket
        # waterproof?"): the product under discussion if it is one of those, else no
        # single product, and the caller lists the matches instead of picking one.
        contextual = resolve_product(text=text, shown=shown, current=current)
        if contextual is not None and _is_one_of(session, contextual, query):
            return contextual, query
        return None, query
    # The product whose name is closest to the words, in stock or not: "the kanken" is the
    # Kanken, not a better-rated or better-stocked "Kanken Mini Hip Pack".
    product_words = replace(query, colors=(), sizes=(), price_min=None, price_max=None, sort="name")
    result = search_products(session, query=product_words, limit=1)
    if result.hits and not result.relaxed:
        return result.hits[0].id, query
    # A word like "it" or "that" with a keyword the catalog does not know: fall back to context.
    return resolve_product(text=text, shown=shown, current=current), query
