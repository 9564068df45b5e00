"""Card clicks per day, for the console."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from bot.analytics.period import Period
from bot.models import CardClick


@dataclass(frozen=True, slots=True)
class ClickDay:
    day: date
    clicks: int  # cards clicked (each card of a message once per conversation)
    conversations: int  # conversations with at least one click that day


def _bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    # In UTC: SQLite keeps the wall-clock time of what it is given.
    start = datetime.combine(day, time(0), zone).astimezone(timezone.utc)
    return start, datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(timezone.utc)


def clicks_per_day(session: Session, *, period: Period) -> list[ClickDay]:
    """Every local day of ``period``, oldest first, with its clicks and clicking conversations."""
    # One indexed range count per day: no dialect's date functions, and the support time zone's days.
    zone = ZoneInfo(period.zone)
    result: list[ClickDay] = []
    for day in period.days():
        start, end = _bounds(day, zone)
        start, end = max(start, period.start), min(end, period.end)
        clicks, conversations = session.execute(
            select(func.count(), func.count(distinct(CardClick.sender_id)))
            .where(CardClick.clicked_at >= start, CardClick.clicked_at < end)).one()
        result.append(ClickDay(day=day, clicks=clicks, conversations=conversations))
    return result
