"""Product search over the catalog, with honest fallbacks when nothing matches."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlalchemy import Select, and_, exists, func, literal, select
from sqlalchemy.orm import Session

from bot.catalog.closeness import GenericWords, asked_words, closeness, generic_words
from bot.catalog.hits import ProductHit, hits_by_id, product_hit
from bot.catalog.keywords import is_model_number
from bot.catalog.query import ProductQuery
from bot.catalog.text_index import any_word_in_text, first_product_with_words, name_contains
from bot.db import serially
from bot.models import Brand, Category, Product, ProductVariant

__all__ = ["ProductHit", "SearchResult", "product_hit", "search_products"]

_CANDIDATES = 200
# Filters dropped one at a time, least important first, when nothing matches;
# "model_numbers" drops the model numbers of the keywords ("adizero sl 99" -> "adizero").
_RELAXATIONS = ("sizes", "colors", "price", "brands", "model_numbers", "keywords")
# Model numbers are whole words of a name, separators read as spaces: "27" is not the
# "2" of "SL 27"; "gbd 200" is in "G-Shock GBD-200".
_NAME_SEPARATORS = "-/,()\"'"
_SEPARATOR = re.compile("[" + re.escape(_NAME_SEPARATORS) + "]")


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: ProductQuery
    hits: tuple[ProductHit, ...]
    relaxed: tuple[str, ...] = ()  # filters dropped to find these hits


def _variant_filter(query: ProductQuery, *, in_stock: bool = False):
    conds = [ProductVariant.product_id == Product.id]
    if query.colors:
        conds.append(ProductVariant.color.in_(query.colors))
    if query.sizes:
        conds.append(ProductVariant.size.in_(query.sizes))
    if in_stock:
        conds.append(ProductVariant.stock > 0)
    return and_(*conds)


def _statement(query: ProductQuery, dialect: str, categories: list[int], brands: list[int]) -> Select:
    """The candidates: light rows (no variants or relations) of the first matches by rating.

    Categories and brands come as ids, so that with one of each the database walks an
    index in rating (or price) order and stops at the candidates it needs.
    """
    # A scalar subquery with LIMIT, not EXISTS: PostgreSQL would hash an EXISTS in the select
    # list over every matching variant of the catalog instead of looking up 200 products'.
    in_stock = select(literal(1)).where(_variant_filter(query, in_stock=True)).limit(1).scalar_subquery().is_not(None)
    # The texts to count words in, and what a name may say without saying too much (closeness.py).
    texts = (Product.name, Product.description, Product.brand_id, Product.category_id) if _has_words(query) else ()
    stmt = select(Product.id, *texts, Product.price, Product.rating, in_stock.label("in_stock"))
    if query.categories:
        stmt = stmt.where(Product.category_id.in_(categories))
    if query.brands:
        stmt = stmt.where(Product.brand_id.in_(brands))
    # SQLite keeps no statistics and would take a price range from the price index, then
    # sort every product in it; ``price + 0`` keeps it walking the rating index instead.
    price = Product.price + 0 if dialect == "sqlite" and query.sort != "price" else Product.price
    if query.price_min is not None:
        stmt = stmt.where(price >= query.price_min)
    if query.price_max is not None:
        stmt = stmt.where(price <= query.price_max)
    if (query.colors or query.sizes) and dialect == "postgresql" and query.categories:
        # Within categories, one product in ten or so has the options: walking the
        # category in rating order, asking each product, stops at the candidates. OFFSET 0
        # keeps the question per product; PostgreSQL would otherwise join it as a hash of
        # every such variant of the shop with all the category's rows, then sort them.
        stmt = stmt.where(select(literal(1)).where(_variant_filter(query)).offset(0).exists())
    elif query.colors and query.sizes:
        # Colour and size together are rare: the products having them are one short range
        # of ix_product_variants_color_size, read once rather than asked per product.
        having = select(ProductVariant.product_id).where(
            ProductVariant.color.in_(query.colors), ProductVariant.size.in_(query.sizes))
        # SQLite would look each of them up and sort them all; ``id + 0`` keeps it walking
        # the rating order, probing the set, and stopping at the candidates.
        product_id = Product.id + 0 if dialect == "sqlite" else Product.id
        stmt = stmt.where(product_id.in_(having))
    elif query.colors or query.sizes:
        stmt = stmt.where(exists().where(_variant_filter(query)))
    if words := _words(query):
        stmt = stmt.where(any_word_in_text(dialect, words))
    for number in (kw for kw in query.keywords if is_model_number(kw)):
        indexed = name_contains(dialect, number)
        if indexed is not None:
            stmt = stmt.where(indexed)
        stmt = stmt.where(_spaced_name().like(f"% {number} %"))
    order = [Product.price.asc()] if query.sort == "price" else []
    return stmt.order_by(*order, Product.rating.desc(), Product.review_count.desc(), Product.id).limit(_CANDIDATES)


def _spaced_name():
    """The lower-case product name between spaces, separators made spaces (for whole-word LIKE)."""
    name = func.lower(Product.name)
    for separator in _NAME_SEPARATORS:
        name = func.replace(name, separator, " ")
    return literal(" ") + name + literal(" ")


_NO_NAME = (0, 0, 0)  # the closeness of a name with none of the words asked: no order among them


def _has_words(query: ProductQuery) -> bool:
    return bool(query.keywords or query.hints)


def _scorer(query: ProductQuery, generic: GenericWords):
    """The sort key of a candidate row: in stock first, then (by relevance) more of the
    words in the name (twice) and the description, then the name closest to the words
    asked (``closeness``), then rating. Sorted by name (the product a question names), the
    name comes first: more of the words in it, then the closest; stock only after them.
    The keywords are sorted out once per search, not per row: 200 rows a run, several runs a search."""
    if query.sort == "price":
        return lambda row: (not row.in_stock, row.price, -row.rating, row.id)
    if not _has_words(query):
        return lambda row: (not row.in_stock, 0, -row.rating, row.id)  # no words to count
    numbers = [f" {kw} " for kw in query.keywords if is_model_number(kw)]
    words = [kw for kw in query.keywords if not is_model_number(kw)]
    described = (*query.keywords, *query.hints)
    asked = asked_words(query)

    def key(row) -> tuple:
        name, description = row.name.lower(), row.description.lower()
        name_hits = sum(kw in name for kw in words)
        if numbers:
            spaced = f" {_SEPARATOR.sub(' ', name)} "
            name_hits += sum(number in spaced for number in numbers)
        desc_hits = sum(kw in description for kw in described)
        close = closeness(row.name, asked, generic.of(row.brand_id, row.category_id))
        if query.sort == "name":
            return (-name_hits, *close, -desc_hits, not row.in_stock, -row.rating, row.id)
        # In a list, closeness only ranks names that have some of the visitor's words ("kanken"):
        # for "a warm winter jacket" no name says "warm", and the shortest names would win over
        # the best-rated matches.
        return (not row.in_stock, -(2 * name_hits + desc_hits), *(close if name_hits else _NO_NAME), -row.rating,
                row.id)

    return key


@dataclass(frozen=True, slots=True)
class _Scope:
    """What every run of one search shares: the dialect, and the ids of its categories and brands."""

    dialect: str
    categories: list[int]
    brands: list[int]
    # No product of the categories has any of the words (categories are never dropped):
    # every run that keeps them finds nothing, unasked.
    unknown_words: bool
    # No product of the categories is in the price range (categories are never dropped).
    unpriced: bool
    # The brand and category words of names, for a search with words to rank names by.
    generic: GenericWords


def _words(query: ProductQuery) -> list[str]:
    return [kw for kw in query.keywords if not is_model_number(kw)]


def _scope(session: Session, query: ProductQuery) -> _Scope:
    dialect = session.get_bind().dialect.name
    categories = list(session.scalars(select(Category.id).where(Category.slug.in_(query.categories)))
                      if query.categories else ())
    brands = list(session.scalars(select(Brand.id).where(Brand.slug.in_(query.brands))) if query.brands else ())
    words = _words(query)
    unknown = bool(words) and (any(w in query.absent for w in words)
                               or session.scalar(first_product_with_words(dialect, words, categories)) is None)
    unpriced = _priced(query) and session.scalar(_in_price_range(query, categories)) is None
    generic = generic_words(session) if _has_words(query) else GenericWords()
    return _Scope(dialect, categories, brands, unknown, unpriced, generic)


def _priced(query: ProductQuery) -> bool:
    return query.price_min is not None or query.price_max is not None


def _in_price_range(query: ProductQuery, categories: list[int]) -> Select:
    """One product of the categories in the price range, found from the price indexes."""
    stmt = select(Product.id).limit(1)
    if query.categories:
        stmt = stmt.where(Product.category_id.in_(categories))
    if query.price_min is not None:
        stmt = stmt.where(Product.price >= query.price_min)
    if query.price_max is not None:
        stmt = stmt.where(Product.price <= query.price_max)
    return stmt


def _run(session: Session, scope: _Scope, query: ProductQuery, limit: int) -> tuple[ProductHit, ...]:
    if (scope.unknown_words and _words(query)) or (scope.unpriced and _priced(query)):
        return ()
    # Candidates are ranked from light rows; only the products shown are loaded whole.
    rows = session.execute(_statement(query, scope.dialect, scope.categories, scope.brands)).all()
    ids = [row.id for row in sorted(rows, key=_scorer(query, scope.generic))[:limit]]
    return tuple(hits_by_id(session, ids, colors=query.colors, sizes=query.sizes))


def _without(query: ProductQuery, name: str) -> ProductQuery:
    if name == "price":
        return replace(query, price_min=None, price_max=None)
    if name == "model_numbers":
        return replace(query, keywords=tuple(kw for kw in query.keywords if not is_model_number(kw)))
    return replace(query, **{name: ()})


def _dropping(query: ProductQuery, names: list[str]) -> ProductQuery:
    for name in names:
        query = _without(query, name)
    return query


def _run_relaxed(session: Session, scope: _Scope, original: ProductQuery, dropped: list[str], limit: int):
    current = _dropping(original, dropped)
    if current.is_empty:
        return ()
    if "price" in dropped and original.price_max is not None:
        # Nearest in price: cheapest above a cap.
        current = replace(current, sort="price")
    return _run(session, scope, current, limit)


def _needed(session: Session, scope: _Scope, query: ProductQuery, dropped: list[str], hits, limit: int):
    """``dropped`` without the filters that can be kept after all, most important first:
    the visitor is only told of a filter dropped if dropping it was what found the hits."""
    for name in reversed(list(dropped)):
        fewer = [n for n in dropped if n != name]
        if fewer and (found := _run_relaxed(session, scope, query, fewer, limit)):
            dropped, hits = fewer, found
    if "keywords" in dropped and "model_numbers" in dropped:
        dropped = [n for n in dropped if n != "model_numbers"]  # said by "keywords"
    return tuple(dropped), hits


@serially
def search_products(session: Session, *, query: ProductQuery, limit: int = 5) -> SearchResult:
    """Top matches for ``query``; if none, the nearest matches with as few filters dropped as it takes.

    One filter at a time first ("red dress size S under $50" with no dresses: red things in
    size S under $50), then more and more of them together; of those, only the ones that
    had to go are reported.
    """
    if query.is_empty:
        return SearchResult(query=query, hits=())
    scope = _scope(session, query)
    hits = _run(session, scope, query, limit)
    if hits:
        return SearchResult(query=query, hits=hits)
    singles = [name for name in _RELAXATIONS if _without(query, name) != query]
    for name in singles if len(singles) > 1 else ():
        if hits := _run_relaxed(session, scope, query, [name], limit):
            return SearchResult(query=query, hits=hits, relaxed=(name,))
    dropped: list[str] = []
    for name in singles:
        dropped.append(name)
        if _dropping(query, dropped).is_empty:
            break
        if hits := _run_relaxed(session, scope, query, dropped, limit):
            relaxed, hits = _needed(session, scope, query, dropped, hits, limit)
            return SearchResult(query=query, hits=hits, relaxed=relaxed)
    return SearchResult(query=query, hits=(), relaxed=tuple(dropped))
