"""Keyword conditions on product text, answered from the full-text index of each database.

A keyword matches as a case-insensitive substring of a product's name or description
(the search's meaning since it began). SQLite answers that from ``products_fts``, an
FTS5 table with the trigram tokenizer that triggers keep in step with ``products``
(migration 0008); PostgreSQL answers the same ``ILIKE`` from ``pg_trgm`` GIN indexes.
A trigram index needs three characters: shorter text falls back to a scan.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, column, or_, select, table

from bot.fts import fts_phrase, indexable
from bot.models import Product

_FTS = table("products_fts", column("rowid"), column("products_fts"))


def _fts_ids(match: str):
    return select(_FTS.c.rowid).where(_FTS.c.products_fts.op("MATCH")(match))


def _any_of(words: Sequence[str]) -> str:
    return " OR ".join(fts_phrase(w) for w in words)


def any_word_in_text(dialect: str, words: Sequence[str]) -> ColumnElement[bool]:
    """True for products whose name or description contains one of ``words``."""
    if dialect == "sqlite" and indexable(words):
        return Product.id.in_(_fts_ids(_any_of(words)))
    return or_(*(Product.name.ilike(f"%{w}%") | Product.description.ilike(f"%{w}%") for w in words))


def first_product_with_words(dialect: str, words: Sequence[str]) -> Select:
    """The id of one product whose text contains one of ``words`` (none: no such product).

    On SQLite asked of the index itself, which stops at the first match; ``IN`` would
    collect every match first.
    """
    if dialect == "sqlite" and indexable(words):
        return _fts_ids(_any_of(words)).limit(1)
    return select(Product.id).where(any_word_in_text(dialect, words)).limit(1)


def name_contains(dialect: str, text: str) -> ColumnElement[bool] | None:
    """An indexed pre-filter for names containing ``text``, or None where no index can help."""
    if not indexable([text]):
        return None
    if dialect == "sqlite":
        return Product.id.in_(_fts_ids("name : " + fts_phrase(text)))
    return Product.name.ilike(f"%{text}%")
