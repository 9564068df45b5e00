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
import logging
import threading
import time

from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, Text, func, inspect, select

from bot.summaries.apply import apply_events
from bot.summaries.status import REPORT_EVERY, report_alive
from bot.summaries.tables import ensure_tables, feeds, has_tables, save_feed
from bot.transcripts.store import parse_event_data

logger = logging.getLogger(__name__)

FEED = "sql_broker"
BATCH = 500
broker_events = Table(  # rasa.core.brokers.sql.SQLEventBroker.SQLBrokerEvent
    "events", MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("data", Text),
)


def rasa_endpoint_lines(db: str) -> list[str]:
    """The ``event_broker`` section of a Rasa endpoints file that publishes to a SQLite file ``db``
    this feed can read (as the project's endpoints.yml has it, with ``db`` filled in)."""
    return ["event_broker:", "  type: rasa_addons.sql_broker.BatchedSQLEventBroker", '  dialect: "sqlite"',
            f'  db: "{db}"']


def position(conn) -> int:
    return conn.execute(select(feeds.c.position).where(feeds.c.name == FEED)).scalar() or 0


def _marker(data: str | None) -> str:
    return hashlib.sha256((data or "").encode("utf-8", "surrogatepass")).hexdigest()[:32]


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
            bodies = [(row.sender_id, parse_event_data(row.data)) for row in rows]
            apply_events(conn, ((sender or body.get("sender_id"), body) for sender, body in bodies))
            save_feed(conn, FEED, position=rows[-1].id, marker=_marker(rows[-1].data))
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
