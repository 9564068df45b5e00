"""Shared fixtures: a migrated, seeded SQLite shop DB and per-test rollback."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

# Point the settings at a throwaway database before any bot module reads them.
_TMP = Path(tempfile.mkdtemp(prefix="shopbot-tests-"))
os.environ["SHOP_DATABASE_URL"] = f"sqlite:///{_TMP / 'shop.db'}"
os.environ["SHOP_ENVIRONMENT"] = "test"
os.environ["SHOP_SHOP_BASE_URL"] = "http://shop.test"
# No test reads the recommendation model `make recs` left in var/; tests that need one train it here.
os.environ["SHOP_RECS_MODEL_PATH"] = str(_TMP / "recs" / "model.npz")
# A key of the test run's own, so no test reads or writes var/secret_key.
os.environ.setdefault("SHOP_SECRET_KEY", secrets.token_urlsafe(48))

import pytest  # noqa: E402
from sqlalchemy import Engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bot.db import get_engine  # noqa: E402
from bot.migrate import upgrade  # noqa: E402
from bot.seed import seed_shop  # noqa: E402

# Small enough to seed in a few seconds, large enough for every status and category.
TEST_SHOP = {"products": 240, "customers": 80, "orders": 700, "seed": 42}
TODAY = date.today()


def seed_database(url: str, **sizes: int) -> None:
    """Migrate and seed the database at ``url`` with the test shop."""
    from bot.db import make_engine

    upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            seed_shop(session, **{**TEST_SHOP, **sizes}, today=TODAY)
            session.commit()
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def shop_db() -> Engine:
    """The session-wide seeded SQLite shop DB (the one the settings point at)."""
    seed_database(os.environ["SHOP_DATABASE_URL"])
    return get_engine()


@pytest.fixture
def session(shop_db: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test, commits included."""
    connection = shop_db.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        outer.rollback()
        connection.close()
