"""Migrations 0008 (search index), 0009 (aggregates), 0012 (word index) and 0018 (no pending
lists) on SQLite and PostgreSQL: the tables match the models, the indexes are built from
existing products, all downgrade cleanly."""

from __future__ import annotations

from importlib import import_module

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.db import make_engine
from bot.models import Base
from tests.bot.test_review_migration import _config
from tests.postgres import fresh_postgres_database

WORDS_EXPRESSION = import_module("migrations.versions.0012_product_word_index").WORDS_EXPRESSION

AGGREGATE_TABLES = {"best_sellers", "catalog_groups", "aggregate_refreshes"}


def _tables_of(diff) -> set[str]:
    if isinstance(diff, list):  # column modifications come grouped
        diff = diff[0]
    names = set()
    for part in diff[1:]:
        table = getattr(part, "table", None)
        names.add(part if isinstance(part, str) else getattr(table if table is not None else part, "name", None))
    return names


def _diffs(conn) -> list:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return [d for d in compare_metadata(context, Base.metadata) if _tables_of(d) & AGGREGATE_TABLES]


def _matches(conn, word: str) -> int:
    if conn.dialect.name == "sqlite":
        return conn.scalar(text("SELECT count(*) FROM products_fts WHERE products_fts MATCH :q"), {"q": f'"{word}"'})
    return conn.scalar(text("SELECT count(*) FROM products WHERE name ILIKE :q"), {"q": f"%{word}%"})


def _word_matches(conn, start: str) -> int:
    if conn.dialect.name == "sqlite":
        return conn.scalar(text("SELECT count(*) FROM products_words WHERE products_words MATCH :q"),
                           {"q": f'"{start}"*'})
    return conn.scalar(text(f"SELECT count(*) FROM products WHERE {WORDS_EXPRESSION} @@ to_tsquery('simple', :q)"),
                       {"q": f"'{start}':*"})


def _word_index(conn) -> set[str]:
    """What migration 0012 made: the FTS5 table on SQLite, the index on PostgreSQL."""
    if conn.dialect.name == "sqlite":
        return {"products_words"} & set(inspect(conn).get_table_names())
    return {i["name"] for i in inspect(conn).get_indexes("products")} & {"ix_products_words"}


def _sorted_gin(conn) -> set[str]:
    """The GIN indexes of product text that migration 0018 keeps without a pending list."""
    if conn.dialect.name == "sqlite":
        return set()
    return set(conn.scalars(text("SELECT relname FROM pg_class WHERE 'fastupdate=off' = ANY(reloptions)")))


def _check(url: str) -> None:
    cfg = _config(url)
    command.upgrade(cfg, "0007")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO categories (id, slug, name, synonyms) VALUES (1, 'c', 'C', '')"))
            conn.execute(text("INSERT INTO brands (id, slug, name) VALUES (1, 'b', 'B')"))
            conn.execute(text(
                "INSERT INTO products (id, sku, slug, name, description, attributes, price, category_id, brand_id,"
                " rating, review_count, image_url) VALUES (1, 's', 's', 'Waterproof Shell', 'd', '{}', 1, 1, 1, 4, 1, '')"))
        command.upgrade(cfg, "head")
        with engine.connect() as conn:
            assert AGGREGATE_TABLES <= set(inspect(conn).get_table_names())
            assert _diffs(conn) == []
            assert _matches(conn, "terpro") == 1  # rows from before the migration are indexed
            assert _word_matches(conn, "waterp") == 1 and _word_matches(conn, "shell") == 1
            assert _word_matches(conn, "terpro") == 0  # the word index matches starts of words
            postgres = conn.dialect.name == "postgresql"
            assert _sorted_gin(conn) == ({"ix_products_words", "ix_products_name_trgm"} if postgres else set())
        command.downgrade(cfg, "0017")
        with engine.connect() as conn:
            assert not _sorted_gin(conn) and _word_matches(conn, "waterp") == 1
        command.downgrade(cfg, "0011")
        with engine.connect() as conn:
            assert not _word_index(conn)
            assert _matches(conn, "terpro") == 1
        command.upgrade(cfg, "head")
        with engine.connect() as conn:
            assert _word_index(conn) and _word_matches(conn, "waterp") == 1
        command.downgrade(cfg, "0007")
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            assert not (AGGREGATE_TABLES | {"products_fts", "products_words"}) & names
        command.upgrade(cfg, "head")
    finally:
        engine.dispose()


def test_migrations_0008_0009_on_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'scale.db'}")


@pytest.mark.postgres
def test_migrations_0008_0009_on_postgresql():
    with fresh_postgres_database() as url:
        _check(url)
