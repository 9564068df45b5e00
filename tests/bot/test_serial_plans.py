"""bot.db.serial_plans: no parallel workers inside, the session's own setting back after."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.db import make_engine, serial_plans
from tests.postgres import fresh_postgres_database


@pytest.mark.postgres
def test_serial_plans_set_no_workers_and_restore_the_setting():
    with fresh_postgres_database() as url:
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                session.execute(text("SET max_parallel_workers_per_gather = 3"))
                with serial_plans(session):
                    assert session.scalar(text("SHOW max_parallel_workers_per_gather")) == "0"
                assert session.scalar(text("SHOW max_parallel_workers_per_gather")) == "3"
        finally:
            engine.dispose()
