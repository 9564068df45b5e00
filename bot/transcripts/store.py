"""Rasa's tracker-store table, read with SQLAlchemy Core (Rasa owns and writes it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Column, Engine, Float, Integer, MetaData, String, Table, Text, inspect, select
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


def _row(row: Any) -> StoredEvent:
    try:
        data = json.loads(row.data or "{}")
    except ValueError:
        data = {}
    return StoredEvent(
        seq=row.id, sender_id=row.sender_id, type_name=row.type_name,
        timestamp=row.timestamp or 0.0, data=data if isinstance(data, dict) else {},
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
