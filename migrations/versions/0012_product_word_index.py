"""product word index: the words of names and descriptions, for keyword search

A search keyword now matches a product one of whose words starts with it
("waterproof" finds "Waterproofing", "hood" finds "hoodie"; "eather" no longer finds
"leather"). The trigram index of 0008 answered substrings, but a keyword with common
letter triples ("leather": "the", "her") read long lists of them for every search,
and PostgreSQL rechecked thousands of descriptions. A word index reads one short list
per keyword.

SQLite: ``products_words``, an external-content FTS5 table with the unicode61
tokenizer (diacritics kept, as ILIKE and the trigram index kept them), kept in step
by triggers on ``products`` like ``products_fts``. PostgreSQL: ``products.search_words``,
a generated ``tsvector`` of name and description (the ``simple`` configuration: no
stemming, no stop words; every run of characters other than letters and digits made a
space first, as unicode61 reads it, or PostgreSQL's parser would keep
"waterproof/breathable" as one file-name token), with a GIN index; PostgreSQL keeps
both in step itself.
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
    "name, description, content='products', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER products_words_insert AFTER INSERT ON products BEGIN "
    "INSERT INTO products_words(rowid, name, description) VALUES (new.id, new.name, new.description); END",
    "CREATE TRIGGER products_words_delete AFTER DELETE ON products BEGIN "
    "INSERT INTO products_words(products_words, rowid, name, description) "
    "VALUES ('delete', old.id, old.name, old.description); END",
    "CREATE TRIGGER products_words_update AFTER UPDATE OF name, description ON products BEGIN "
    "INSERT INTO products_words(products_words, rowid, name, description) "
    "VALUES ('delete', old.id, old.name, old.description); "
    "INSERT INTO products_words(rowid, name, description) VALUES (new.id, new.name, new.description); END",
    "INSERT INTO products_words(products_words) VALUES ('rebuild')",
]
_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS products_words_update",
    "DROP TRIGGER IF EXISTS products_words_delete",
    "DROP TRIGGER IF EXISTS products_words_insert",
    "DROP TABLE IF EXISTS products_words",
]
_POSTGRES_UP = [
    "ALTER TABLE products ADD COLUMN search_words tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, regexp_replace(coalesce(name, '') || ' ' || coalesce(description, ''), "
    "'[^[:alnum:]]+', ' ', 'g'))) STORED",
    "CREATE INDEX ix_products_search_words ON products USING gin (search_words)",
    "DROP INDEX IF EXISTS ix_products_description_trgm",
    "ANALYZE products",
]
_POSTGRES_DOWN = [
    "CREATE INDEX IF NOT EXISTS ix_products_description_trgm ON products USING gin (description gin_trgm_ops)",
    "DROP INDEX IF EXISTS ix_products_search_words",
    "ALTER TABLE products DROP COLUMN IF EXISTS search_words",
]


def _run(statements: dict[str, list[str]]) -> None:
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": _SQLITE_UP, "postgresql": _POSTGRES_UP})


def downgrade() -> None:
    _run({"sqlite": _SQLITE_DOWN, "postgresql": _POSTGRES_DOWN})
