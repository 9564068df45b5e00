"""Migration 0004 (review data) on SQLite and PostgreSQL: matches the models, downgrades cleanly."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.db import make_engine
from bot.models import Base
from tests.migrations import alembic_config
from tests.postgres import fresh_postgres_database

REVIEW_TABLES = {"conversation_reviews", "conversation_tags", "conversation_notes", "nlu_corrections",
                 "conversation_deletions"}


_config = alembic_config


def _check(url: str) -> None:
    cfg = _config(url)
    command.upgrade(cfg, "0004")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert REVIEW_TABLES <= set(inspect(conn).get_table_names())
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = [d for d in compare_metadata(context, Base.metadata)
                     if _table_of(d) in REVIEW_TABLES]
            assert diffs == []
        command.downgrade(cfg, "0003")
        with engine.connect() as conn:
            assert not REVIEW_TABLES & set(inspect(conn).get_table_names())
        command.upgrade(cfg, "0004")
    finally:
        engine.dispose()


def _table_of(diff) -> str | None:
    if isinstance(diff, list):  # column modifications come grouped
        diff = diff[0]
    for part in diff[1:]:
        name = getattr(part, "table", None)
        if name is not None and hasattr(name, "name"):
            return name.name
        if hasattr(part, "name") and hasattr(part, "columns") and hasattr(part, "metadata"):
            return part.name
        if isinstance(part, str) and part in REVIEW_TABLES:
            return part
    return None


def test_migration_0004_on_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'review.db'}")


@pytest.mark.postgres
def test_migration_0004_on_postgresql():
    with fresh_postgres_database() as url:
        _check(url)
