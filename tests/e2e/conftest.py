from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete
from sqlalchemy.orm import Session

from bot.models import Experiment, ExperimentArm, ExperimentExposure
from tests.conftest import seed_database
from tests.e2e.stack import ROOT, Stack, ensure_model
from tests.postgres import fresh_postgres_database


# Agents are "in" round the clock, so a handoff queues the chat whenever the tests run
# (the default hours would send evening runs into the leave-a-message form).
STACK_SETTINGS = {"SHOP_SUPPORT_HOURS": "Mon-Sun 00:00-24:00",
                  # The proactive dispatcher runs, every second (it sends only what a test consented to).
                  "SHOP_PROACTIVE_ENABLED": "1", "SHOP_PROACTIVE_INTERVAL_SECONDS": "1"}


def _require_runtime() -> None:
    if not (ROOT / ".venv-rasa/bin/rasa").exists():
        pytest.skip("the Rasa environment .venv-rasa is missing: run `make test`, which creates it")


@pytest.fixture(scope="session")
def trained_model() -> None:
    _require_runtime()
    ensure_model()


@pytest.fixture(scope="session")
def sqlite_stack(trained_model) -> Iterator[Stack]:
    """The whole service on SQLite (shop DB and tracker store), shared by every e2e and browser test."""
    workdir = Path(tempfile.mkdtemp(prefix="shopbot-e2e-sqlite-"))
    yield from _run_stack(workdir, f"sqlite:///{workdir / 'shop.db'}", {"dialect": "sqlite", "db": str(workdir / "tracker.db")})


def shop_db_session(stack: Stack) -> Iterator[Session]:
    """A session on the shop DB ``stack`` serves: tests check the bot's answers against it."""
    engine = create_engine(stack.shop_db_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def remove_experiment(db, experiment_id: int) -> None:
    """Delete an experiment with its arms and exposures: the test's session does not enforce SQLite's
    foreign keys, so nothing cascades, and a leftover arm would clash with the next experiment
    given the same id."""
    for model in (ExperimentExposure, ExperimentArm):
        db.execute(delete(model).where(model.experiment_id == experiment_id))
    db.execute(delete(Experiment).where(Experiment.id == experiment_id))
    db.commit()


@pytest.fixture(scope="module")
def db(stack) -> Iterator[Session]:
    yield from shop_db_session(stack)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def stack(request, trained_model) -> Iterator[Stack]:
    """The whole service on SQLite, then again on PostgreSQL (shop DB and tracker store)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_stack")
        return
    workdir = Path(tempfile.mkdtemp(prefix="shopbot-e2e-postgresql-"))
    with fresh_postgres_database() as shop_url, fresh_postgres_database() as tracker_url:
        tracker_db = tracker_url.rsplit("/", 1)[1]
        tracker = {"dialect": "postgresql", "url": "127.0.0.1", "port": "5432", "username": "postgres", "db": tracker_db}
        yield from _run_stack(workdir, shop_url, tracker)


def _run_stack(workdir: Path, shop_url: str, tracker: dict[str, str]) -> Iterator[Stack]:
    seed_database(shop_url)
    stack = Stack(workdir=workdir, shop_db_url=shop_url, tracker=tracker, extra_env=STACK_SETTINGS)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        if not os.environ.get("SHOPBOT_KEEP_E2E"):
            shutil.rmtree(workdir, ignore_errors=True)
