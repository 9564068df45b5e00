"""Rasa's tracker-store table, read with SQLAlchemy Core (Rasa owns and writes it)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Column, ColumnElement, Engine, Float, Integer, MetaData, String, Table, Text, and_, case, func, inspect, not_, or_,
    select, true,
)
from sqlalchemy.engine import Connection

from bot.db import make_engine
from bot.settings import get_settings

metadata = MetaData()

# The schema of rasa.core.tracker_store.SQLTrackerStore.SQLEvent (Rasa 3.6).
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


# Rows written before the tracker store wrote strict JSON (or by a stock Rasa
# store) may hold the bare tokens Infinity / -Infinity / NaN that Python's
# json.dumps writes for floats that are not finite; SQLite's json_extract and
# PostgreSQL's json casts raise on them. SQL reads JSON only through
# `valid_event_data`, Python through `parse_event_data`, which reads those tokens (and
# numbers too large for a float) as the strings the store now writes.
_WS = r"[ \t\n\r]"
_STRING = r'"(?:[^"\\\x01-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"'
_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
# An object made only of JSON tokens: PostgreSQL 15 has no `IS JSON`, and this
# tells a NaN inside a string from a bare one.
JSON_OBJECT_TOKENS = rf"^{_WS}*\{{(?:{_WS}|{_STRING}|{_NUMBER}|true|false|null|[\[\]{{}}:,])*\}}{_WS}*$"


# PostgreSQL's JSON operators cannot turn every valid JSON string into text: a NUL
# (\u0000, e.g. typed by a visitor) or a lone surrogate escape (\ud800) raises. json.dumps
# escapes every emoji as a surrogate pair, so only unpaired ones are ruled out.
_LONE_SURROGATE = (r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
                   r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _text_convertible(data: ColumnElement) -> ColumnElement:
    """SQL (PostgreSQL): no escape in ``data`` that a JSON-to-text conversion refuses."""
    has_surrogate = or_(func.strpos(data, "\\ud") > 0, func.strpos(data, "\\uD") > 0)
    # CASE keeps the regex off the rows (nearly all) with no surrogate escape at all.
    return and_(func.strpos(data, "\\u0000") == 0,
                case((has_surrogate, not_(data.regexp_match(_LONE_SURROGATE))), else_=true()))


def valid_event_data(conn: Connection) -> ColumnElement:
    """SQL: ``events.data`` where JSON functions can read it, else NULL (a malformed row reads as no data)."""
    data = events.c.data
    if conn.dialect.name == "postgresql":
        # What json.dumps writes is valid JSON but for its non-finite tokens: most rows pass the
        # cheap test, the rest (and any NaN inside a string) get the token-by-token one.
        plain = and_(data.like("{%}"), func.strpos(data, "Infinity") == 0, func.strpos(data, "NaN") == 0)
        valid = and_(or_(plain, data.regexp_match(JSON_OBJECT_TOKENS)), _text_convertible(data))
    else:
        valid = func.json_valid(data) == 1
    return case((valid, data))


@dataclass(frozen=True)
class StoredEvent:
    """One tracker event as stored: ``seq`` is its row id, increasing in time."""

    seq: int
    sender_id: str
    type_name: str
    timestamp: float
    data: dict[str, Any]


@lru_cache
def get_tracker_engine() -> Engine:
    """The process-wide engine of the tracker store (created on first use)."""
    return make_engine(get_settings().tracker_database_url)


def has_events_table(conn: Connection) -> bool:
    """Has Rasa created its table yet (it does when it first starts)?"""
    return inspect(conn).has_table("events")


def _non_finite(token: str) -> Any:
    return token  # "Infinity", "-Infinity", "NaN": as the tracker store now writes them


def _float(token: str) -> Any:
    value = float(token)
    return value if math.isfinite(value) else ("Infinity" if value > 0 else "-Infinity")  # 1e999


def parse_event_data(raw: str | bytes | None) -> dict[str, Any]:
    """An event's data (a tracker row's, or a broker message's) as a dict of JSON values only
    (no inf/nan); {} when it cannot be read."""
    try:
        data = json.loads(raw or "{}", parse_constant=_non_finite, parse_float=_float)
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _row(row: Any) -> StoredEvent:
    data = parse_event_data(row.data)
    return StoredEvent(
        seq=row.id, sender_id=row.sender_id, type_name=row.type_name,
        timestamp=row.timestamp if row.timestamp and math.isfinite(row.timestamp) else 0.0, data=data,
    )


def events_after(
    conn: Connection, *, sender_id: str, after: int = 0, types: tuple[str, ...] | None = None, limit: int = 2000
) -> list[StoredEvent]:
    """The conversation's events with ``seq > after``, oldest first."""
    if not has_events_table(conn):
        return []
    stmt = select(events).where(events.c.sender_id == sender_id, events.c.id > after)
    if types:
        stmt = stmt.where(events.c.type_name.in_(types))
    return [_row(r) for r in conn.execute(stmt.order_by(events.c.id).limit(limit))]


def last_seq(conn: Connection, *, sender_id: str) -> int:
    """The seq of the conversation's newest event (0 when it has none)."""
    if not has_events_table(conn):
        return 0
    stmt = select(events.c.id).where(events.c.sender_id == sender_id).order_by(events.c.id.desc()).limit(1)
    return conn.execute(stmt).scalar() or 0


def latest_events(
    conn: Connection, *, sender_id: str, types: tuple[str, ...], limit: int, before: int | None = None
) -> list[StoredEvent]:
    """The conversation's newest ``limit`` events of ``types`` (with ``seq < before``), newest first."""
    if not has_events_table(conn):
        return []
    stmt = select(events).where(events.c.sender_id == sender_id, events.c.type_name.in_(types))
    if before is not None:
        stmt = stmt.where(events.c.id < before)
    stmt = stmt.order_by(events.c.id.desc()).limit(limit)
    return [_row(r) for r in conn.execute(stmt)]


def event_at(conn: Connection, *, seq: int) -> StoredEvent | None:
    """The event with row id ``seq``, whatever its conversation, or None."""
    if not has_events_table(conn):
        return None
    row = conn.execute(select(events).where(events.c.id == seq)).first()
    return _row(row) if row else None
