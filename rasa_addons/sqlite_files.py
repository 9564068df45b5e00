"""SQLite files written by the Rasa server: WAL mode, and how hard a commit waits for the disk."""

from __future__ import annotations

from typing import Any, Callable


def wal_pragmas(synchronous: str) -> Callable[[Any, Any], None]:
    """A SQLAlchemy "connect" listener: WAL mode, ``synchronous`` (FULL: a commit is on disk when
    it returns; NORMAL: it may be lost by a power cut, never by a crash), a 15 s busy timeout."""
    if synchronous not in ("FULL", "NORMAL"):
        raise ValueError(f"synchronous must be FULL or NORMAL, not {synchronous!r}")

    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    return on_connect
