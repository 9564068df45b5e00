"""Checking a migration against the models: a throwaway SQLite file migrated to a revision,
and the differences autogenerate finds between it and ``bot.models``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from bot.db import make_engine
from bot.models import Base
from bot.settings import PROJECT_ROOT


def alembic_config(url: str) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.attributes["database_url"] = url
    cfg.attributes["configure_logger"] = False
    return cfg


@contextmanager
def migrated(folder: Path, revision: str = "head") -> Iterator[tuple[Config, Engine]]:
    """(alembic config, engine) of a new SQLite file in ``folder`` migrated to ``revision``."""
    url = f"sqlite:///{folder / 'migrated.db'}"
    cfg = alembic_config(url)
    command.upgrade(cfg, revision)
    engine = make_engine(url)
    try:
        yield cfg, engine
    finally:
        engine.dispose()


def model_differences(engine: Engine, *names: str) -> list:
    """What autogenerate would change to make the database match the models, in the
    differences that mention any of ``names`` (table or column names)."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return [d for d in compare_metadata(context, Base.metadata) if any(n in repr(d) for n in names)]
