"""Numeric ids in console URLs: only what fits a database integer (bigint), so a huge or negative id is a
clear 404/422 instead of an overflow deep in the database driver."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

DB_ID_MAX = 2**63 - 1  # PostgreSQL bigint, SQLite integer

RowId = Annotated[int, Path(ge=1, le=DB_ID_MAX, description="A row id (1 to 2^63-1)")]
EventId = Annotated[int, Path(ge=0, le=DB_ID_MAX, description="A tracker event id (0 to 2^63-1)")]
AfterSeq = Annotated[int, Query(ge=0, le=DB_ID_MAX, description="Only messages with a larger seq")]


def row_id(raw: str) -> int | None:
    """``raw`` as a row id, or None if it is not one (pages answer that with their own 404)."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if 1 <= value <= DB_ID_MAX else None
