"""Database engine, session factory and the ``session_scope`` unit of work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache, wraps
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import get_settings

T = TypeVar("T")


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` with settings suited to its dialect."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=15000")
            # Pages read through memory mapping and a larger cache: at 100k products a
            # search touches thousands of index pages, each a read() syscall otherwise.
            cur.execute("PRAGMA mmap_size=1073741824")
            cur.execute("PRAGMA cache_size=-65536")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def conflict_insert(dialect: str, table):
    """An INSERT for ``table`` in ``dialect`` that takes ``on_conflict_do_nothing/do_update``
    (PostgreSQL's and SQLite's own; both speak ON CONFLICT)."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine, created on first use (never at import time)."""
    return make_engine(get_settings().database_url)


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    """The process-wide session factory."""
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


@contextmanager
def session_scope() -> Iterator[Session]:
    """Open a session, commit on success, roll back on error, always close."""
    session = get_sessionmaker()()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


_PARALLEL = "max_parallel_workers_per_gather"


@contextmanager
def serial_plans(session: Session) -> Iterator[None]:
    """On PostgreSQL, plan the queries inside without parallel workers, then restore the setting.

    The bot's lookups walk an index for a few hundred rows; starting workers costs more
    than that, and a parallel plan gives up the index order they stop early on. The
    setting is local to the transaction, so an error inside leaves nothing behind.
    """
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    # One round trip: the setting is read before it is set (left to right).
    before = session.execute(
        text(f"SELECT current_setting('{_PARALLEL}'), set_config('{_PARALLEL}', '0', true)")).scalar()
    yield
    session.execute(text(f"SELECT set_config('{_PARALLEL}', :value, true)"), {"value": before})


def serially(function: Callable[..., T]) -> Callable[..., T]:
    """Run ``function(session, ...)`` inside ``serial_plans(session)``."""

    @wraps(function)
    def wrapper(session: Session, *args, **kwargs) -> T:
        with serial_plans(session):
            return function(session, *args, **kwargs)

    return wrapper
