"""The tracker store swept for events the event broker never delivered.

Rasa stores a turn's events in the tracker store and then publishes them to the broker
(our tracker store publishes only after the commit, rasa_addons/tracker_store.py, so the
broker never carries an event the store lost).
A replica killed between the two, or a RabbitMQ connection dropped while messages were
on their way, loses them from the broker, never from the tracker store: Rasa 3.6's Pika
broker keeps a message it failed to publish in the replica's memory until the next
reconnection, and a killed replica takes that with it (tests/e2e/test_scale_out.py saw
both). So the feed also sweeps the tracker store: every ``SWEEP_EVERY`` seconds it
applies the events stored since its last sweep. Applying is idempotent, so the events
the broker did deliver count once; the broker keeps the console current within a
second, the sweep makes it complete within ``2 * SWEEP_EVERY``.

A sweep reads only up to the highest id it saw at the previous sweep, ``SWEEP_EVERY``
seconds before. PostgreSQL hands out ids at insert, and a transaction holding a lower
id can commit after one holding a higher id; by the next sweep it has committed (Rasa
writes a turn in one short transaction). The position is kept in ``summary_feed``.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine, func, select

from bot.summaries.backfill import apply_stored
from bot.summaries.tables import feeds, save_feed
from bot.transcripts.store import events, has_events_table

logger = logging.getLogger(__name__)

NAME = "tracker sweep"
SWEEP_EVERY = 10.0


def _newest(conn) -> int:
    return conn.execute(select(func.max(events.c.id))).scalar() or 0


def start_at_newest(engine: Engine) -> None:
    """Where nothing was swept yet, start after the newest stored event (what is older than
    that, the backfill or the broker applied)."""
    with engine.begin() as conn:
        if not has_events_table(conn):
            return
        if conn.execute(select(feeds.c.position).where(feeds.c.name == NAME)).first() is None:
            save_feed(conn, NAME, position=_newest(conn))


def sweep(engine: Engine, ceiling: int | None) -> int | None:
    """Apply the events after the sweep's position up to ``ceiling`` (the newest id the previous
    sweep saw; None: nothing yet); return the newest id now, the next sweep's ceiling."""
    with engine.connect() as conn:
        if not has_events_table(conn):
            return None
        position = conn.execute(select(feeds.c.position).where(feeds.c.name == NAME)).scalar()
        newest = _newest(conn)
    if position is None:
        start_at_newest(engine)
        return newest
    if ceiling is not None and ceiling > position:
        applied = apply_stored(engine, after=position, upto=ceiling)
        with engine.begin() as conn:
            save_feed(conn, NAME, position=ceiling)
        logger.debug("swept %d tracker events (ids %d..%d)", applied, position + 1, ceiling)
    return newest


def follow(engine: Engine, *, stop: threading.Event, every: float = SWEEP_EVERY) -> None:
    """Sweep every ``every`` seconds until ``stop`` is set; a failed sweep is tried again at the next."""
    ceiling: int | None = None
    while not stop.wait(every):
        try:
            ceiling = sweep(engine, ceiling)
        except Exception:  # noqa: BLE001 - the database briefly away: log, and sweep again later
            logger.exception("sweeping the tracker store failed; trying again in %.0f s", every)
