"""Keyword conditions on product text, answered from a word index of each database.

A keyword matches a product one of whose words starts with it, case-insensitively
("waterproof" finds "Waterproofing", "hood" finds "Hoodie"; "eather" does not find
"Leather"); a keyword of several words ("quick-dry", "plain tee") matches them in a row,
the last one as a start. Words are runs of letters and digits. SQLite answers it from
``products_words``, an FTS5 table with the unicode61 tokenizer, and PostgreSQL from
``ix_products_words``, a GIN index of the words' ``tsvector``, both kept in step with
``products`` (migration 0012); the SQLite index also holds each product's category. Model numbers keep matching as whole words of
a name, pre-filtered by the trigram indexes of migration 0008 (``name_contains``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, column, false, func, literal_column, select, table

from bot.fts import fts_phrase, indexable
from bot.models import Product

_FTS = table("products_fts", column("rowid"), column("products_fts"))
_WORD_TABLE = table("products_words", column("rowid"), column("products_words"))
# PostgreSQL: the expression ix_products_words indexes (migration 0012), as SQL text, so
# that the planner sees the very expression of the index, never a parameter in it.
_WORDS = literal_column(
    "to_tsvector('simple'::regconfig, regexp_replace("
    "coalesce(products.name, '') || ' ' || coalesce(products.description, ''), '[^[:alnum:]]+', ' ', 'g'))"
)
_SIMPLE = literal_column("'simple'::regconfig")
# The tokenizers' words: letters and digits, everything else separates them.
_TOKEN = re.compile(r"[^\W_]+")


def _fts_ids(match: str):
    return select(_FTS.c.rowid).where(_FTS.c.products_fts.op("MATCH")(match))


def _word_ids(match: str):
    return select(_WORD_TABLE.c.rowid).where(_WORD_TABLE.c.products_words.op("MATCH")(match))


def _tokens(words: Sequence[str]) -> list[list[str]]:
    """Each keyword's words, lower-case (keywords without any are left out)."""
    return [tokens for w in words if (tokens := _TOKEN.findall(w.lower()))]


def _fts5_query(words: Sequence[str], categories: Sequence[int] = ()) -> str:
    """FTS5: any of the keywords in a name or description, each a phrase whose last word
    is a prefix; with ``categories``, only products of one of them (their "c<id>" token)."""
    match = "{name description} : (" + " OR ".join(fts_phrase(" ".join(t)) + "*" for t in _tokens(words)) + ")"
    if categories:
        match += " AND category : (" + " OR ".join(f"c{int(c)}" for c in categories) + ")"
    return match


def _tsquery(words: Sequence[str]) -> str:
    """PostgreSQL: the same as a ``tsquery`` ('quick' <-> 'dry':* | 'hood':*)."""
    phrases = (" <-> ".join(f"'{t}'" for t in tokens) + ":*" for tokens in _tokens(words))
    return " | ".join(f"( {p} )" for p in phrases)


def any_word_in_text(dialect: str, words: Sequence[str]) -> ColumnElement[bool]:
    """True for products a word of whose name or description starts with one of ``words``."""
    if not _tokens(words):
        return false()
    if dialect == "sqlite":
        return Product.id.in_(_word_ids(_fts5_query(words)))
    return _WORDS.op("@@")(func.to_tsquery(_SIMPLE, _tsquery(words)))


def first_product_with_words(dialect: str, words: Sequence[str], categories: Sequence[int] = ()) -> Select:
    """The id of one product with one of ``words`` (none: no such product), of one of
    ``categories`` if any are given.

    On SQLite asked of the index itself, which stops at the first match (``IN`` would
    collect every match first) and holds the categories too: a word no product of the
    category has ("leather" among backpacks) is a short intersection, not a walk of the
    category's products. On PostgreSQL the same intersection, of the word index's and the
    category index's bitmaps.
    """
    if dialect == "sqlite" and _tokens(words):
        return _word_ids(_fts5_query(words, categories)).limit(1)
    stmt = select(Product.id).where(any_word_in_text(dialect, words))
    if not categories:
        # How common a word is in the whole shop, the index's statistics tell the planner:
        # it walks for a common word (a match in a few rows) and reads the index for a rare one.
        return stmt.limit(1)
    # PostgreSQL takes the category's and the word's products as independent and, for one
    # row, walks the category computing each product's words (35 us a row): 8,000
    # backpacks, 290 ms, for "leather", which none has. A MATERIALIZED CTE is planned
    # without the LIMIT, so as the AND of the two indexes' bitmaps (a few ms, whatever
    # the category's size), and is still read lazily: the first row ends it.
    matches = stmt.where(Product.category_id.in_(categories)).cte("with_words").prefix_with("MATERIALIZED")
    return select(matches.c.id).limit(1)


def name_contains(dialect: str, text: str) -> ColumnElement[bool] | None:
    """An indexed pre-filter for names containing ``text``, or None where no index can help."""
    if not indexable([text]):
        return None
    if dialect == "sqlite":
        return Product.id.in_(_fts_ids("name : " + fts_phrase(text)))
    return Product.name.ilike(f"%{text}%")
