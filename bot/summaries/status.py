"""Is a feed keeping the summaries up to date? Feeds report every few seconds; the console asks."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.summaries.tables import feeds, has_tables, save_feed

REPORT_EVERY = 5.0  # seconds between a running feed's reports
SILENT_AFTER = 60.0  # no report for this long: the console says the list may be behind


@dataclass(frozen=True, slots=True)
class FeedStatus:
    alive_at: datetime | None  # the latest report of any feed; None if no feed ever ran
    silent: bool  # True when no feed has reported for SILENT_AFTER seconds


def report_alive(conn: Connection, name: str, *, now: float | None = None) -> None:
    """Record that feed ``name`` is running (the caller commits)."""
    save_feed(conn, name, alive_at=time.time() if now is None else now)


def feed_status(conn: Connection, *, now: float | None = None) -> FeedStatus:
    """When a feed last reported, and whether that is too long ago."""
    latest = conn.execute(select(func.max(feeds.c.alive_at))).scalar() if has_tables(conn) else None
    moment = time.time() if now is None else now
    return FeedStatus(alive_at=datetime.fromtimestamp(latest, tz=timezone.utc) if latest else None,
                      silent=latest is None or moment - latest > SILENT_AFTER)
