"""Text shown to visitors: money, dates and short product descriptions, in the
conversation's language (``lang``: see bot.language)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from bot.catalog.query import ProductQuery
from bot.catalog.search import ProductHit
from bot.language import DEFAULT, LOCALES, color_name, filter_name, grammar, say


def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES[DEFAULT])


def money(amount: Decimal, currency: str = "USD", lang: str = DEFAULT) -> str:
    """``$79.99`` style amount (``79,99 $`` in German)."""
    return format_currency(amount, currency, locale=_locale(lang))


def decimal(value: float | Decimal, lang: str = DEFAULT, places: int = 1) -> str:
    """``4.5`` (``4,5`` in German)."""
    return format_decimal(value, format="0." + "0" * places if places else "0", locale=_locale(lang))


def day(value: date | datetime | None, lang: str = DEFAULT) -> str:
    """``Mon 23 Nov 2026`` style date (``Mo., 23. Nov. 2026``), or "unknown"."""
    if value is None:
        return say("unknown", lang)
    return format_date(value, grammar(lang).date_pattern, locale=_locale(lang))


def stock_text(hit: ProductHit, lang: str = DEFAULT) -> str:
    """Short stock statement for one product."""
    if not hit.in_stock:
        return say("out of stock", lang)
    if hit.stock <= 3:
        return say("only {n} left", lang, n=hit.stock)
    return say("in stock", lang)


def product_line(index: int, hit: ProductHit, lang: str = DEFAULT) -> str:
    """One numbered result line: name, price, stock."""
    return f"{index}. {hit.name} – {money(hit.price, lang=lang)} – {stock_text(hit, lang)}"


def query_summary(
    query: ProductQuery, category_names: dict[str, str], brand_names: dict[str, str], lang: str = DEFAULT,
) -> str:
    """Human wording of what was searched ("red Nike Running Shoes, size 42, under $80"; in German
    "Running Shoes von Nike in Rot, Größe 42, unter 80,00 $")."""
    colors = "/".join(color_name(c, lang) for c in query.colors)
    brands = "/".join(brand_names.get(b, b) for b in query.brands)
    rules = grammar(lang)
    words: list[str] = []
    if rules.attributes_first:
        words += [w for w in (colors, brands) if w]
    if query.keywords:
        # Shown with a category too ("waterproof jackets"), so a note that they were
        # dropped ("without the extra words") names words the visitor can see.
        words.append(" ".join(query.keywords))
    if query.categories:
        names = [category_names.get(c, c) for c in query.categories]
        # The catalog's category names are capitalised; English writes them in lower case in a sentence.
        words.append(f" {say('or', lang)} ".join(n.lower() if rules.lowercase_categories else n for n in names))
    elif not query.keywords:
        words.append(say("products", lang))
    if not rules.attributes_first:
        words += [f"{say('by', lang)} {brands}"] if brands else []
        words += [f"in {colors}"] if colors else []
    text = " ".join(words)
    if query.sizes:
        text += f", {say('size', lang)} {'/'.join(query.sizes)}"
    low, high = query.price_min, query.price_max
    if low is not None and high is not None:
        text += f", {money(low, lang=lang)}–{money(high, lang=lang)}"
    elif high is not None:
        text += f", {say('under', lang)} {money(high, lang=lang)}"
    elif low is not None:
        text += f", {say('over', lang)} {money(low, lang=lang)}"
    return text


RELAXED_WORDS = {
    "sizes": "size",
    "colors": "colour",
    "price": "price limit",
    "brands": "brand",
    "model_numbers": "model number",
    "keywords": "extra words",
}


def relaxed_note(relaxed: tuple[str, ...], lang: str = DEFAULT) -> str:
    """Explain which filters were dropped to find the nearest matches."""
    names = [filter_name(r, RELAXED_WORDS.get(r, r), lang) for r in relaxed]
    if not names:
        return ""
    return say("Here are the closest matches without the {names}:", lang, names=spoken_list(names, lang))


def spoken_list(items: list[str], lang: str = DEFAULT) -> str:
    """``items`` as a sentence lists them: "a", "a and b", "a, b and c" ("und" in German)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {say('and', lang)} {items[-1]}"


def category_list(category_names: dict[str, str], lang: str = DEFAULT) -> str:
    """The shop's categories as a sentence's list ("running shoes, sneakers and watches")."""
    lower = grammar(lang).lowercase_categories
    return spoken_list(sorted((n.lower() if lower else n) for n in category_names.values()), lang)
