"""Following Rasa's SQL event broker: the embedded default's feed of the summary tables.

Rasa's ``SQLEventBroker`` (and ``rasa_addons.sql_broker``, which writes the same
table a turn at a time) appends each event as a row of its own ``events`` table,
in a database of its own. The feed reads the rows after its position, applies
them, and stores the new position in the same transaction as the summaries: a
feed that was stopped, or crashed, carries on where it committed, so no event is
lost, and none counts twice. Rows already applied are then deleted from the
broker's table, all but the newest, which keeps the table's row ids growing
(SQLite would hand out an emptied table's ids again) and marks the position: if
that row is gone or different, the broker's table was made anew (a deleted file)
and the feed reads it from its start (applying is idempotent, so that is safe).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
import time

from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, Text, func, inspect, select

from bot.summaries.apply import apply_events
from bot.summaries.status import REPORT_EVERY, report_alive
from bot.summaries.tables import ensure_tables, feeds, has_tables

logger = logging.getLogger(__name__)

FEED = "sql_broker"
BATCH = 500
broker_events = Table(  # rasa.core.brokers.sql.SQLEventBroker.SQLBrokerEvent
    "events", MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("data", Text),
)


def _body(raw: str | None) -> dict:
    try:
        body = json.loads(raw or "{}", parse_constant=str,
                          parse_float=lambda t: float(t) if math.isfinite(float(t)) else t)
    except (ValueError, RecursionError):
        return {}
    return body if isinstance(body, dict) else {}


def position(conn) -> int:
    return conn.execute(select(feeds.c.position).where(feeds.c.name == FEED)).scalar() or 0


def _marker(data: str | None) -> str:
    return hashlib.sha256((data or "").encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _set_position(conn, value: int, marker: str) -> None:
    if conn.execute(feeds.update().where(feeds.c.name == FEED).values(position=value, marker=marker)).rowcount == 0:
        conn.execute(feeds.insert().values(name=FEED, position=value, marker=marker))


def _start(conn, b) -> int:
    """Where to read from: the stored position, or 0 if the broker's table is not the one it was read in."""
    row = conn.execute(select(feeds.c.position, feeds.c.marker).where(feeds.c.name == FEED)).first()
    if row is None or not row.position:
        return 0
    at = b.execute(select(broker_events.c.data).where(broker_events.c.id == row.position)).first()
    if at is None or (row.marker and _marker(at.data) != row.marker):
        logger.warning("the broker's table no longer holds row %d as read: reading it from its start", row.position)
        return 0
    return row.position


def _newest(broker: Engine) -> int | None:
    with broker.connect() as b:
        if not inspect(b).has_table("events"):
            return None
        return b.execute(select(func.max(broker_events.c.id))).scalar() or 0


def lag(summary: Engine, broker: Engine) -> int:
    """Broker rows not yet applied (0 when the broker has no table yet)."""
    if _newest(broker) is None:
        return 0
    with summary.connect() as conn, broker.connect() as b:
        at = _start(conn, b) if has_tables(conn) else 0
        return b.execute(select(func.count()).where(broker_events.c.id > at)).scalar() or 0


def catch_up(summary: Engine, broker: Engine, *, batch: int = BATCH, prune: bool = True) -> int:
    """Apply every broker row after the feed's position; returns how many were read."""
    if _newest(broker) is None:
        return 0
    read = 0
    while True:
        with summary.begin() as conn:
            with broker.connect() as b:
                rows = b.execute(select(broker_events).where(broker_events.c.id > _start(conn, b))
                                 .order_by(broker_events.c.id).limit(batch)).all()
            if not rows:
                return read
            apply_events(conn, ((row.sender_id or _body(row.data).get("sender_id"), _body(row.data)) for row in rows))
            _set_position(conn, rows[-1].id, _marker(rows[-1].data))
        read += len(rows)
        if prune:
            with broker.begin() as b:
                b.execute(broker_events.delete().where(broker_events.c.id < rows[-1].id))
        if len(rows) < batch:
            return read


def follow(summary: Engine, broker: Engine, *, interval: float = 0.5, stop: threading.Event | None = None) -> None:
    """Keep applying the broker's rows until ``stop`` is set (or forever)."""
    stop = stop or threading.Event()
    with summary.begin() as conn:
        ensure_tables(conn)
    reported = 0.0
    while not stop.is_set():
        try:
            if time.monotonic() - reported >= REPORT_EVERY:
                with summary.begin() as conn:
                    report_alive(conn, FEED)
                reported = time.monotonic()
            if catch_up(summary, broker):
                continue
        except Exception:  # noqa: BLE001 - a database that is briefly away: log, wait, retry
            logger.exception("the summary feed failed; retrying")
            stop.wait(5)
            continue
        stop.wait(interval)
