"""A throwaway PostgreSQL database per test module, or a skip with the reason."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """Create an empty database on the local server, yield its URL, drop it."""
    admin = create_engine(f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"shopbot_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL is not reachable at 127.0.0.1:5432 ({exc.orig.__class__.__name__}); skipping PostgreSQL runs")
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
