"""Handing a conversation to a human: the queue, messages left, and staffed hours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.errors import EmptyMessage, HandoffLimitReached, InvalidEmail
from bot.models import OPEN_HANDOFF_STATUSES, HandoffReason, HandoffRequest, HandoffStatus
from bot.orders.parsing import normalise_email
from bot.settings import get_settings

MESSAGE_MAX_CHARS = 2000
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_BLOCK = re.compile(r"^\s*([a-z,\- ]+?)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$", re.I)


@dataclass(frozen=True, slots=True)
class HandoffView:
    id: int
    sender_id: str
    reason: str
    status: str
    contact_email: str | None
    message: str | None
    verified_order_number: str | None
    created_at: datetime


def _view(request: HandoffRequest) -> HandoffView:
    created = request.created_at
    if created.tzinfo is None:  # SQLite hands back naive UTC
        created = created.replace(tzinfo=timezone.utc)
    return HandoffView(
        id=request.id, sender_id=request.sender_id, reason=HandoffReason(request.reason).value,
        status=HandoffStatus(request.status).value, contact_email=request.contact_email,
        message=request.message, verified_order_number=request.verified_order_number,
        created_at=created,
    )


def _open_request(session: Session, sender_id: str) -> HandoffRequest | None:
    return session.scalar(
        select(HandoffRequest)
        .where(HandoffRequest.sender_id == sender_id,
               HandoffRequest.status.in_(OPEN_HANDOFF_STATUSES))
        .limit(1)
    )


# Messages left for the team count against a source's share for this long.
LEFT_MESSAGE_WINDOW = timedelta(hours=24)


def _check_share(session: Session, source: str | None) -> None:
    """Refuse a new request when ``source`` already holds its share of the queue (and the inbox)."""
    if not source:
        return
    since = datetime.now(timezone.utc) - LEFT_MESSAGE_WINDOW
    held = session.scalar(
        select(func.count(HandoffRequest.id)).where(
            HandoffRequest.source == source,
            or_(HandoffRequest.status.in_(OPEN_HANDOFF_STATUSES),
                (HandoffRequest.status == HandoffStatus.MESSAGE_LEFT) & (HandoffRequest.created_at >= since)),
        )
    ) or 0
    if held >= get_settings().handoff_max_open_per_source:
        raise HandoffLimitReached(f"source already has {held} open requests")


def request_handoff(
    session: Session, *, sender_id: str, reason: str, verified_order_number: str | None = None,
    source: str | None = None,
) -> HandoffView:
    """Queue the conversation for an agent; a conversation already queued gets its request back.

    A new request from a ``source`` (bot/sources.py) that already holds its share of
    the queue raises ``HandoffLimitReached``: one network cannot fill the queue.
    """
    reason_code = HandoffReason(reason)
    existing = _open_request(session, sender_id)
    if existing is None:
        _check_share(session, source)
        try:
            # A savepoint, so losing a race to a parallel request leaves the session usable.
            with session.begin_nested():
                existing = HandoffRequest(sender_id=sender_id, reason=reason_code,
                                          status=HandoffStatus.WAITING, source=source,
                                          verified_order_number=verified_order_number)
                session.add(existing)
        except IntegrityError:
            existing = _open_request(session, sender_id)
            assert existing is not None
    if verified_order_number and existing.verified_order_number is None:
        existing.verified_order_number = verified_order_number
        session.flush()
    return _view(existing)


def leave_message(
    session: Session, *, sender_id: str, email: str, message: str, source: str | None = None
) -> HandoffView:
    """Turn the waiting request (or a new one) into a message for the team to answer by email.

    A new request is subject to the source's share, like ``request_handoff``.
    """
    contact = normalise_email(email)
    if contact is None:
        raise InvalidEmail("not an email address")
    text = message.strip()[:MESSAGE_MAX_CHARS]
    if not text:
        raise EmptyMessage("the message is empty")
    request = session.scalar(
        select(HandoffRequest)
        .where(HandoffRequest.sender_id == sender_id, HandoffRequest.status == HandoffStatus.WAITING)
        .limit(1)
    )
    if request is None:
        _check_share(session, source)
        request = HandoffRequest(sender_id=sender_id, reason=HandoffReason.ASKED, source=source)
        session.add(request)
    request.status = HandoffStatus.MESSAGE_LEFT
    request.contact_email = contact
    request.message = text
    session.flush()
    return _view(request)


@dataclass(frozen=True, slots=True)
class _Block:
    days: frozenset[int]  # 0 = Monday
    start: time
    end: time


def _days(text: str) -> set[int]:
    days: set[int] = set()
    for part in text.replace(" ", "").lower().split(","):
        first, _, last = part.partition("-")
        a, b = _DAYS.index(first[:3]), _DAYS.index((last or first)[:3])
        days.update((a + i) % 7 for i in range((b - a) % 7 + 1))
    return days


def _end_of_block(text: str) -> time:
    # "24:00" closes a block at midnight, so "Mon-Sun 00:00-24:00" is round the clock.
    return time.max if text.strip() == "24:00" else time.fromisoformat(text.zfill(5))


@lru_cache
def parse_support_hours(spec: str) -> tuple[_Block, ...]:
    """Parse "Mon-Fri 09:00-18:00; Sat 10:00-14:00" (end exclusive, "24:00" allowed); "" means never staffed."""
    blocks = []
    for raw in filter(str.strip, spec.split(";")):
        match = _BLOCK.match(raw)
        if not match:
            raise ValueError(f"support hours block {raw!r} is not like 'Mon-Fri 09:00-18:00'")
        try:
            days = _days(match.group(1))
        except ValueError:
            raise ValueError(f"unknown day in support hours {raw!r}") from None
        start, end = time.fromisoformat(match.group(2).zfill(5)), _end_of_block(match.group(3))
        if end <= start:
            raise ValueError(f"support hours block {raw!r} must end after it starts")
        blocks.append(_Block(frozenset(days), start, end))
    return tuple(blocks)


def _schedule(hours: str | None, tz: str | None) -> tuple[tuple[_Block, ...], ZoneInfo]:
    settings = get_settings()
    spec = settings.support_hours if hours is None else hours
    return parse_support_hours(spec), ZoneInfo(tz or settings.support_timezone)


def _local(now: datetime, zone: ZoneInfo) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(zone)


def is_staffed(now: datetime, *, hours: str | None = None, tz: str | None = None) -> bool:
    """True when ``now`` (aware) falls in the support hours, read in the support time zone."""
    blocks, zone = _schedule(hours, tz)
    local = _local(now, zone)
    wall = local.time().replace(tzinfo=None)
    return any(local.weekday() in b.days and b.start <= wall < b.end for b in blocks)


def next_staffed_opening(
    now: datetime, *, hours: str | None = None, tz: str | None = None
) -> datetime | None:
    """``now`` if staffed, else the next opening in the support time zone; None if never staffed."""
    if is_staffed(now, hours=hours, tz=tz):
        return now
    blocks, zone = _schedule(hours, tz)
    local = _local(now, zone)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        starts = sorted(b.start for b in blocks if day.weekday() in b.days)
        for start in starts:
            # Round-trip through UTC so a start inside a DST gap becomes a real instant.
            opening = datetime.combine(day, start, tzinfo=zone).astimezone(timezone.utc).astimezone(zone)
            if opening > now:
                return opening
    return None
