"""Text shown to visitors: money, dates and short product descriptions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from bot.catalog.query import ProductQuery
from bot.catalog.search import ProductHit

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def money(amount: Decimal, currency: str = "USD") -> str:
    """``$79.99`` style amount."""
    return f"{_SYMBOLS.get(currency, currency + ' ')}{amount:,.2f}"


def day(value: date | datetime | None) -> str:
    """``Mon 23 Nov`` style date, or "unknown"."""
    if value is None:
        return "unknown"
    return f"{value:%a} {value.day} {value:%b %Y}"


def stock_text(hit: ProductHit) -> str:
    """Short stock statement for one product."""
    if not hit.in_stock:
        return "out of stock"
    if hit.stock <= 3:
        return f"only {hit.stock} left"
    return "in stock"


def product_line(index: int, hit: ProductHit) -> str:
    """One numbered result line: name, price, stock."""
    return f"{index}. {hit.name} – {money(hit.price)} – {stock_text(hit)}"


def query_summary(query: ProductQuery, category_names: dict[str, str], brand_names: dict[str, str]) -> str:
    """Human wording of what was searched ("red Nike Running Shoes, size 42, under $80")."""
    words: list[str] = []
    if query.colors:
        words.append("/".join(query.colors))
    if query.brands:
        words.append("/".join(brand_names.get(b, b) for b in query.brands))
    if query.keywords:
        # Shown with a category too ("waterproof jackets"), so a note that they were
        # dropped ("without the extra words") names words the visitor can see.
        words.append(" ".join(query.keywords))
    if query.categories:
        words.append(" or ".join(category_names.get(c, c).lower() for c in query.categories))
    elif not query.keywords:
        words.append("products")
    text = " ".join(words)
    if query.sizes:
        text += f", size {'/'.join(query.sizes)}"
    if query.price_min is not None and query.price_max is not None:
        text += f", {money(query.price_min)}–{money(query.price_max)}"
    elif query.price_max is not None:
        text += f", under {money(query.price_max)}"
    elif query.price_min is not None:
        text += f", over {money(query.price_min)}"
    return text


RELAXED_WORDS = {
    "sizes": "size",
    "colors": "colour",
    "price": "price limit",
    "brands": "brand",
    "model_numbers": "model number",
    "keywords": "extra words",
}


def relaxed_note(relaxed: tuple[str, ...]) -> str:
    """Explain which filters were dropped to find the nearest matches."""
    names = [RELAXED_WORDS.get(r, r) for r in relaxed]
    if not names:
        return ""
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Here are the closest matches without the {joined}:"
