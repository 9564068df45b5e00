"""The period a report covers: whole days in the support time zone, or an exact window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.errors import InvalidPeriod

DEFAULT_DAYS = 30
MAX_DAYS = 366
PRESET_DAYS = (7, 30, 90)
# Days a report may name: far enough from the calendar's ends (years 1 and 9999) that a
# period around them, its time-zone shifts and its Unix timestamps never overflow.
FIRST_DAY = date(1970, 1, 2)
LAST_DAY = date(9998, 12, 31)


@dataclass(frozen=True, slots=True)
class Period:
    """``start`` (inclusive) to ``end`` (exclusive), both aware UTC; days are counted in ``zone``."""

    start: datetime
    end: datetime
    zone: str

    @property
    def start_ts(self) -> float:
        return self.start.timestamp()

    @property
    def end_ts(self) -> float:
        return self.end.timestamp()

    @property
    def first_day(self) -> date:
        return self.start.astimezone(ZoneInfo(self.zone)).date()

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(microseconds=1)).astimezone(ZoneInfo(self.zone)).date()

    def days(self) -> list[date]:
        """Every local day the period touches, oldest first."""
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + timedelta(days=i) for i in range(count)]

    def day_of(self, timestamp: float) -> date:
        """The local day of a Unix timestamp."""
        return datetime.fromtimestamp(timestamp, ZoneInfo(self.zone)).date()


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(timezone.utc)


def period_of_days(
    *, first: date | None = None, last: date | None = None, zone: str, today: date | None = None,
    default_days: int = DEFAULT_DAYS,
) -> Period:
    """Whole local days ``first`` to ``last`` (inclusive); by default the ``default_days`` up to today."""
    for day in (first, last):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidPeriod(f"a day between {FIRST_DAY} and {LAST_DAY}, please")
    tz = ZoneInfo(zone)
    today = today or datetime.now(tz).date()
    last = last or (today if first is None else max(first, min(today, first + timedelta(days=default_days - 1))))
    first = first or last - timedelta(days=default_days - 1)
    if first > last:
        raise InvalidPeriod("the period ends before it starts")
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidPeriod(f"the period is longer than {MAX_DAYS} days")
    return Period(start=_midnight(first, tz), end=_midnight(last + timedelta(days=1), tz), zone=zone)


def period_between(*, start: datetime, end: datetime, zone: str) -> Period:
    """An exact window (aware datetimes), e.g. the minutes a test ran in."""
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidPeriod("the period's ends need a time zone")
    if end <= start:
        raise InvalidPeriod("the period ends before it starts")
    if end - start > timedelta(days=MAX_DAYS):
        raise InvalidPeriod(f"the period is longer than {MAX_DAYS} days")
    return Period(start=start.astimezone(timezone.utc), end=end.astimezone(timezone.utc), zone=zone)
