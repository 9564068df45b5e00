"""The words of the catalog (categories, brands, colours, sizes, and every word of its
product text), read from the DB."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import german
from bot.catalog.terms import product_words, words_of
from bot.models import Brand, Category, ProductVariant

# Words that name several categories at once; visitors say "shoes" for all three.
GENERIC_CATEGORY_TERMS: dict[str, tuple[str, ...]] = {
    "shoe": ("running-shoes", "sneakers", "boots"),
    "shoes": ("running-shoes", "sneakers", "boots"),
    "footwear": ("running-shoes", "sneakers", "boots"),
    "clothes": ("t-shirts", "hoodies", "jackets", "jeans"),
    "clothing": ("t-shirts", "hoodies", "jackets", "jeans"),
    "shirt": ("t-shirts",),
    "headphone": ("headphones",),
}

COLOR_ALIASES: dict[str, str] = {"gray": "grey", "navy blue": "navy", "khaki": "olive", "tan": "beige"}


@dataclass(frozen=True)
class Vocabulary:
    """Terms visitors may use, each mapped to the catalog value it means."""

    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    category_names: dict[str, str] = field(default_factory=dict)
    brands: dict[str, str] = field(default_factory=dict)
    brand_names: dict[str, str] = field(default_factory=dict)
    colors: dict[str, str] = field(default_factory=dict)
    sizes: frozenset[str] = frozenset()
    # The lower-case words of product names and of the terms above: the only words a
    # search keyword may be. ``words`` adds those of the descriptions, which only order
    # the matches ("breathable"), as a keyword may restrict them to none over a word
    # the visitor used in passing ("cool", "scratch that").
    name_words: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()


def _brand_terms(name: str) -> set[str]:
    lower = name.lower()
    terms = {lower, lower.replace("'", ""), lower.replace(".", ""), lower.replace("-", " ")}
    if lower.startswith("the "):
        terms.add(lower[4:])
    return {t for t in terms if t}


def load_vocabulary(session: Session) -> Vocabulary:
    """Read categories, brands, colours, sizes and the words of the product texts from the catalog."""
    categories: dict[str, tuple[str, ...]] = {}
    category_names: dict[str, str] = {}
    for cat in session.scalars(select(Category)):
        category_names[cat.slug] = cat.name
        terms = {cat.name.lower(), cat.slug.replace("-", " "), cat.slug}
        terms |= {part.strip().lower() for part in cat.name.split("&")}
        terms |= {s.strip().lower() for s in cat.synonyms.split(",") if s.strip()}
        for term in terms:
            categories[term] = tuple(sorted({*categories.get(term, ()), cat.slug}))
    for slug, words in german.CATEGORY_TERMS.items():
        for term in words:
            if slug in category_names and term not in categories:
                categories[term] = (slug,)
    for term, slugs in {**GENERIC_CATEGORY_TERMS, **german.GENERIC_CATEGORY_TERMS}.items():
        known = tuple(s for s in slugs if s in category_names)
        if known and term not in categories:
            categories[term] = known
    brands: dict[str, str] = {}
    brand_names: dict[str, str] = {}
    for brand in session.scalars(select(Brand)):
        brand_names[brand.slug] = brand.name
        for term in _brand_terms(brand.name):
            brands[term] = brand.slug
    colors = {c: c for c in session.scalars(select(ProductVariant.color).distinct()) if c}
    aliases = {**german.COLOR_TERMS, **COLOR_ALIASES}
    colors.update({alias: c for alias, c in aliases.items() if c in colors and alias not in colors})
    sizes = frozenset(s.lower() for s in session.scalars(select(ProductVariant.size).distinct()) if s)
    names, descriptions = product_words(session)
    name_words = names | words_of([*categories, *brands, *colors])
    return Vocabulary(
        categories=categories,
        category_names=category_names,
        brands=brands,
        brand_names=brand_names,
        colors=colors,
        sizes=sizes,
        name_words=name_words,
        words=name_words | descriptions,
    )
