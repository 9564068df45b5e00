"""Conversation figures from Rasa's tracker store (the ``events`` table), as SQL aggregates.

A conversation is a sender id with at least one visitor message in the period; it
counts on the local day of its first visitor message in the period.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import JSON, ColumnElement, Integer, Select, and_, case, cast, func, literal, or_, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection

from bot.analytics.period import Period
from bot.transcripts.store import events, has_events_table, valid_event_data

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTION = "action_fallback_suggest"
MIN_CONFIDENCE_MESSAGES = 5
TOP_INTENTS = 10
LOW_CONFIDENCE_INTENTS = 10
# Conversations are counted per quarter hour in SQL and summed into local days here:
# every time zone's offset is a multiple of 15 minutes, so no day boundary is crossed.
_BUCKET_SECONDS = 900
_IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    conversations: int


@dataclass(frozen=True, slots=True)
class IntentCount:
    intent: str
    messages: int


@dataclass(frozen=True, slots=True)
class IntentConfidence:
    intent: str
    messages: int
    mean_confidence: float


@dataclass(frozen=True, slots=True)
class ConversationTotals:
    conversations: int
    visitor_messages: int
    fallback_conversations: int  # with an nlu_fallback message or a "did you mean" answer
    fallback_messages: int  # visitor messages read as nlu_fallback


def _in_period(period: Period, *, kind: str) -> ColumnElement[bool]:
    return and_(events.c.type_name == kind, events.c.timestamp >= period.start_ts, events.c.timestamp < period.end_ts)


def _conversations(period: Period) -> Select:
    return (select(events.c.sender_id, func.min(events.c.timestamp).label("started"))
            .where(_in_period(period, kind="user")).group_by(events.c.sender_id))


def _bucket(conn: Connection, column: ColumnElement) -> ColumnElement:
    scaled = column / _BUCKET_SECONDS
    # SQLite's CAST truncates (timestamps are positive); PostgreSQL's rounds, so floor there.
    return func.floor(scaled) if conn.dialect.name == "postgresql" else cast(scaled, Integer)


def _data(conn: Connection):
    """The event's JSON ``data`` column, readable with JSON paths on either dialect."""
    data = valid_event_data(conn)  # NULL where the row is not valid JSON: left out, never an error
    if conn.dialect.name == "postgresql":
        return cast(data, JSONB)
    return type_coerce(data, JSON)


def conversations_per_day(conn: Connection, *, period: Period) -> list[DayCount]:
    """Conversations started on each local day of the period (zeros included)."""
    per_day: Counter[date] = Counter()
    if has_events_table(conn):
        started = _conversations(period).subquery()
        bucket = _bucket(conn, started.c.started).label("bucket")
        for row in conn.execute(select(bucket, func.count()).group_by(bucket)):
            per_day[period.day_of(float(row[0]) * _BUCKET_SECONDS)] += row[1]
    return [DayCount(day=day, conversations=per_day.get(day, 0)) for day in period.days()]


def conversation_totals(conn: Connection, *, period: Period) -> ConversationTotals:
    """How many conversations and visitor messages, and how many of them hit the fallback."""
    if not has_events_table(conn):
        return ConversationTotals(0, 0, 0, 0)
    conversations = _conversations(period).subquery()
    is_fallback = events.c.intent_name == FALLBACK_INTENT
    messages, fallback_messages = conn.execute(
        select(func.count(), func.coalesce(func.sum(case((is_fallback, 1), else_=0)), 0))
        .where(_in_period(period, kind="user"))
    ).one()
    missed = or_(and_(events.c.type_name == "user", is_fallback),
                 and_(events.c.type_name == "action", events.c.action_name == FALLBACK_ACTION))
    fallback_conversations = conn.scalar(
        select(func.count(func.distinct(events.c.sender_id))).where(
            events.c.timestamp >= period.start_ts, events.c.timestamp < period.end_ts, missed,
            events.c.sender_id.in_(select(conversations.c.sender_id)),
        )
    ) or 0
    total = conn.scalar(select(func.count()).select_from(conversations)) or 0
    return ConversationTotals(conversations=total, visitor_messages=messages,
                              fallback_conversations=fallback_conversations, fallback_messages=fallback_messages)


def count_conversations_among(conn: Connection, *, period: Period, sender_ids: Iterable[str]) -> int:
    """How many of ``sender_ids`` had a conversation in the period (e.g. those handed to a person)."""
    wanted = sorted(set(sender_ids))
    if not wanted or not has_events_table(conn):
        return 0
    found = 0
    for i in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[i:i + _IN_CHUNK]
        found += conn.scalar(
            select(func.count(func.distinct(events.c.sender_id)))
            .where(_in_period(period, kind="user"), events.c.sender_id.in_(chunk))
        ) or 0
    return found


def top_intents(conn: Connection, *, period: Period, limit: int = TOP_INTENTS) -> list[IntentCount]:
    """The intents visitor messages were read as, most frequent first."""
    if not has_events_table(conn):
        return []
    count = func.count().label("messages")
    rows = conn.execute(
        select(events.c.intent_name, count).where(_in_period(period, kind="user"), events.c.intent_name.is_not(None))
        .group_by(events.c.intent_name).order_by(count.desc(), events.c.intent_name).limit(limit)
    )
    return [IntentCount(intent=r.intent_name, messages=r.messages) for r in rows]


def lowest_confidence_intents(
    conn: Connection, *, period: Period, min_messages: int = MIN_CONFIDENCE_MESSAGES,
    limit: int = LOW_CONFIDENCE_INTENTS,
) -> list[IntentConfidence]:
    """Intents with the lowest mean classifier confidence over typed messages (at least ``min_messages``).

    A message the fallback caught counts for the intent the classifier ranked first
    (the fallback classifier puts ``nlu_fallback`` in front of the ranking), so the
    unclear messages stay with the intent they were nearly read as. Clicked buttons
    ("/intent" payloads, confidence 1) are left out.
    """
    if not has_events_table(conn):
        return []
    data = _data(conn)
    fell_back = events.c.intent_name == FALLBACK_INTENT
    intent = case(
        (fell_back, data[("parse_data", "intent_ranking", 1, "name")].as_string()), else_=events.c.intent_name,
    ).label("intent")
    confidence = case(
        (fell_back, data[("parse_data", "intent_ranking", 1, "confidence")].as_float()),
        else_=data[("parse_data", "intent", "confidence")].as_float(),
    )
    typed = func.coalesce(data[("text",)].as_string(), literal("")).not_like("/%")
    inner = (select(intent, confidence.label("confidence"))
             .where(_in_period(period, kind="user"), events.c.intent_name.is_not(None), typed).subquery())
    mean = func.avg(inner.c.confidence).label("mean")
    count = func.count(inner.c.confidence).label("messages")
    rows = conn.execute(
        select(inner.c.intent, count, mean).where(inner.c.intent.is_not(None), inner.c.confidence.is_not(None))
        .group_by(inner.c.intent).having(func.count(inner.c.confidence) >= min_messages)
        .order_by(mean, inner.c.intent).limit(limit)
    )
    return [IntentConfidence(intent=r.intent, messages=r.messages, mean_confidence=float(r.mean)) for r in rows]
