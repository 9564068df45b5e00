"""product search index: FTS5 on SQLite, trigram GIN indexes on PostgreSQL

Search keywords match as case-insensitive substrings of a product's name or
description ("waterproof" also finds "Waterproofing"), which a plain index cannot
serve. On SQLite an external-content FTS5 table with the trigram tokenizer answers
exactly that question from an index; triggers on ``products`` keep it in step with
every insert, update and delete, whoever writes them (the seed, an import, a
console). On PostgreSQL ``pg_trgm``'s GIN indexes serve the same ``ILIKE '%word%'``
the search already runs, and PostgreSQL keeps indexes in step by itself.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 08:00:00.000000
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_UP = [
    "CREATE VIRTUAL TABLE products_fts USING fts5("
    "name, description, content='products', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN "
    "INSERT INTO products_fts(rowid, name, description) VALUES (new.id, new.name, new.description); END",
    "CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN "
    "INSERT INTO products_fts(products_fts, rowid, name, description) "
    "VALUES ('delete', old.id, old.name, old.description); END",
    "CREATE TRIGGER products_fts_update AFTER UPDATE OF name, description ON products BEGIN "
    "INSERT INTO products_fts(products_fts, rowid, name, description) "
    "VALUES ('delete', old.id, old.name, old.description); "
    "INSERT INTO products_fts(rowid, name, description) VALUES (new.id, new.name, new.description); END",
    "INSERT INTO products_fts(products_fts) VALUES ('rebuild')",
]
_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS products_fts_update",
    "DROP TRIGGER IF EXISTS products_fts_delete",
    "DROP TRIGGER IF EXISTS products_fts_insert",
    "DROP TABLE IF EXISTS products_fts",
]
_POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_products_name_trgm ON products USING gin (name gin_trgm_ops)",
    "CREATE INDEX ix_products_description_trgm ON products USING gin (description gin_trgm_ops)",
]
_POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS ix_products_description_trgm",
    "DROP INDEX IF EXISTS ix_products_name_trgm",
]


def _run(statements: dict[str, list[str]]) -> None:
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": _SQLITE_UP, "postgresql": _POSTGRES_UP})


def downgrade() -> None:
    _run({"sqlite": _SQLITE_DOWN, "postgresql": _POSTGRES_DOWN})
