"""Time helpers shared by the staff services."""

from __future__ import annotations

from datetime import datetime, timezone


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they are UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def current(now: datetime | None) -> datetime:
    """``now`` (in UTC) if a caller, such as a test, gave one, else the current UTC time."""
    # SQLite stores datetimes without their offset, so everything written is UTC.
    return aware(now).astimezone(timezone.utc) if now is not None else datetime.now(timezone.utc)
