"""product word index: the words of names and descriptions, for keyword search

A search keyword now matches a product one of whose words starts with it
("waterproof" finds "Waterproofing", "hood" finds "hoodie"; "eather" no longer finds
"leather"). The trigram index of 0008 answered substrings, but a keyword with common
letter triples ("leather": "the", "her") read long lists of them for every search,
and PostgreSQL rechecked thousands of descriptions. A word index reads one short list
per keyword.

SQLite: ``products_words``, a contentless FTS5 table with the unicode61 tokenizer
(diacritics kept, as ILIKE and the trigram index kept them) over name and
description, and each product's category as a token ("c8"), so that "does any
product of the backpacks have the word leather?" is one intersection inside the index
instead of a walk of the category; triggers on ``products`` keep it in step like
``products_fts`` (a contentless table is told the old values of a row to forget).

PostgreSQL: a GIN index on an expression, the ``tsvector`` of name and description
(the ``simple`` configuration: no stemming, no stop words; every run of characters
other than letters and digits made a space first, as unicode61 reads it, or
PostgreSQL's parser would keep "waterproof/breathable" as one file-name token). An
index, not a generated column: the column's ~450 bytes a row would have doubled the
products' heap, which the searches without keywords read; PostgreSQL keeps the index
in step itself, and a bitmap joins it with the category index.

The trigram indexes stay for model numbers in names ("gbd 200", "1000xm4"); the
description one of 0008 is no longer asked and is dropped.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 19:30:00.000000
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_UP = [
    "CREATE VIRTUAL TABLE products_words USING fts5("
    "name, description, category, content='', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER products_words_insert AFTER INSERT ON products BEGIN "
    "INSERT INTO products_words(rowid, name, description, category) "
    "VALUES (new.id, new.name, new.description, 'c' || new.category_id); END",
    "CREATE TRIGGER products_words_delete AFTER DELETE ON products BEGIN "
    "INSERT INTO products_words(products_words, rowid, name, description, category) "
    "VALUES ('delete', old.id, old.name, old.description, 'c' || old.category_id); END",
    "CREATE TRIGGER products_words_update AFTER UPDATE OF name, description, category_id ON products BEGIN "
    "INSERT INTO products_words(products_words, rowid, name, description, category) "
    "VALUES ('delete', old.id, old.name, old.description, 'c' || old.category_id); "
    "INSERT INTO products_words(rowid, name, description, category) "
    "VALUES (new.id, new.name, new.description, 'c' || new.category_id); END",
    "INSERT INTO products_words(rowid, name, description, category) "
    "SELECT id, name, description, 'c' || category_id FROM products",
    # One b-tree instead of the segments the bulk insert left: a prefix query reads each.
    "INSERT INTO products_words(products_words) VALUES ('optimize')",
]
_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS products_words_update",
    "DROP TRIGGER IF EXISTS products_words_delete",
    "DROP TRIGGER IF EXISTS products_words_insert",
    "DROP TABLE IF EXISTS products_words",
]
# The words of a product's name and description as PostgreSQL's ``simple`` configuration
# reads them; bot/catalog/text_index.py asks the index in these very words.
WORDS_EXPRESSION = (
    "to_tsvector('simple'::regconfig, regexp_replace("
    "coalesce(products.name, '') || ' ' || coalesce(products.description, ''), '[^[:alnum:]]+', ' ', 'g'))"
)
_POSTGRES_UP = [
    f"CREATE INDEX ix_products_words ON products USING gin (({WORDS_EXPRESSION}))",
    "DROP INDEX IF EXISTS ix_products_description_trgm",
    "ANALYZE products",  # statistics of the indexed expression, for the planner's estimates
]
_POSTGRES_DOWN = [
    "CREATE INDEX IF NOT EXISTS ix_products_description_trgm ON products USING gin (description gin_trgm_ops)",
    "DROP INDEX IF EXISTS ix_products_words",
]


def _run(statements: dict[str, list[str]]) -> None:
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": _SQLITE_UP, "postgresql": _POSTGRES_UP})


def downgrade() -> None:
    _run({"sqlite": _SQLITE_DOWN, "postgresql": _POSTGRES_DOWN})
