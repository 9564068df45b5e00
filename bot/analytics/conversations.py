"""Conversation figures from the summary tables (``bot.summaries``), as SQL aggregates.

A conversation is a sender id with at least one visitor message in the period; it
counts on the local day of its first visitor message in the period.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    ColumnElement, Integer, Select, and_, bindparam, cast, exists, func, select, union, union_all,
)
from sqlalchemy.engine import Connection, Row

from bot.analytics.period import Period
from bot.summaries.extract import FALLBACK_INTENT
from bot.summaries.tables import DAY_SECONDS, day_of, has_tables, marks, summaries, turn_days, turns

MIN_CONFIDENCE_MESSAGES = 5
TOP_INTENTS = 10
LOW_CONFIDENCE_INTENTS = 10
# Conversations are counted per quarter hour in SQL and summed into local days here:
# every time zone's offset is a multiple of 15 minutes, so no day boundary is crossed.
_BUCKET_SECONDS = 900
_IN_CHUNK = 2000  # sender ids per statement


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


def _in_period(period: Period, ts: ColumnElement) -> ColumnElement[bool]:
    return and_(ts >= period.start_ts, ts < period.end_ts)


def _first_messages(period: Period) -> Select:
    """(sender_id, started): each conversation with a visitor message in the period, and its first one there.

    A conversation whose first message ever is in the period is read off its summary
    row; only those that began before the period and went on into it (few) are looked
    up in their turns.
    """
    s = summaries.c
    began_inside = select(s.sender_id, s.first_turn_at.label("started")).where(_in_period(period, s.first_turn_at))
    # Each of the few is looked up in its own turns (an index probe): joined instead, PostgreSQL
    # misjudges how few they are and scans the period's turns.
    first_inside = (select(func.min(turns.c.ts))
                    .where(turns.c.sender_id == s.sender_id, _in_period(period, turns.c.ts))
                    .scalar_subquery())
    went_on = (select(s.sender_id, first_inside.label("started"))
               .where(s.first_turn_at < period.start_ts, s.last_at >= period.start_ts)
               .subquery())
    ran_into = select(went_on.c.sender_id, went_on.c.started).where(went_on.c.started.is_not(None))
    return union_all(began_inside, ran_into)


def _bucket(conn: Connection, column: ColumnElement) -> ColumnElement:
    scaled = column / _BUCKET_SECONDS
    # SQLite's CAST truncates (timestamps are positive); PostgreSQL's rounds, so floor there.
    return func.floor(scaled) if conn.dialect.name == "postgresql" else cast(scaled, Integer)


def conversations_per_day(conn: Connection, *, period: Period) -> list[DayCount]:
    """Conversations started on each local day of the period (zeros included)."""
    per_day: Counter[date] = Counter()
    if has_tables(conn):
        started = _first_messages(period).subquery()
        bucket = _bucket(conn, started.c.started).label("bucket")
        for row in conn.execute(select(bucket, func.count()).group_by(bucket)):
            per_day[period.day_of(float(row[0]) * _BUCKET_SECONDS)] += row[1]
    return [DayCount(day=day, conversations=per_day.get(day, 0)) for day in period.days()]


def conversation_totals(conn: Connection, *, period: Period) -> ConversationTotals:
    """How many conversations and visitor messages, and how many of them hit the fallback."""
    if not has_tables(conn):
        return ConversationTotals(0, 0, 0, 0)
    return _totals(conn, period, conversations_per_day(conn, period=period), _tally(conn, period))


def count_conversations_among(conn: Connection, *, period: Period, sender_ids: Iterable[str]) -> int:
    """How many of ``sender_ids`` had a conversation in the period (e.g. those handed to a person)."""
    wanted = sorted(set(sender_ids))
    if not wanted or not has_tables(conn):
        return 0
    found = 0
    for i in range(0, len(wanted), _IN_CHUNK):
        # The ids inlined (escaped), not bound: psycopg prepares a statement run five times, and
        # PostgreSQL's generic plan for "ts in a range and sender_id IN (500 parameters)" walks every
        # turn of the ts index checking each against the list (8 s at 100,000 conversations).
        chunk = bindparam("senders", wanted[i:i + _IN_CHUNK], expanding=True, literal_execute=True)
        found += conn.scalar(
            select(func.count(func.distinct(turns.c.sender_id)))
            .where(_in_period(period, turns.c.ts), turns.c.sender_id.in_(chunk))
        ) or 0
    return found


def top_intents(conn: Connection, *, period: Period, limit: int = TOP_INTENTS) -> list[IntentCount]:
    """The intents visitor messages were read as, most frequent first."""
    return _top(_tally(conn, period), limit) if has_tables(conn) else []


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
    return _lowest(_tally(conn, period), min_messages, limit) if has_tables(conn) else []


@dataclass(frozen=True, slots=True)
class _Tally:
    """The period's visitor messages: its whole UTC days' counts and its other turns, grouped."""

    messages: Counter[str]  # per intent read
    scored: dict[str, tuple[int, float]]  # typed messages with a confidence, per intent ranked first: count, sum
    visitor_messages: int  # all of them, an intent or not


def _turn_groups(conn: Connection, start: float, end: float) -> list[Row]:
    """(intent, ranked intent, typed, turns, turns with a confidence, their sum) of the turns in [start, end)."""
    return conn.execute(
        select(turns.c.intent, turns.c.ranked_intent, turns.c.typed, func.count(), func.count(turns.c.confidence),
               func.sum(turns.c.confidence))
        .where(turns.c.ts >= start, turns.c.ts < end)
        .group_by(turns.c.intent, turns.c.ranked_intent, turns.c.typed)
    ).all()


def _day_groups(conn: Connection, first: int, end: int) -> list[tuple]:
    """The same groups for the whole UTC days ``first`` to ``end`` (exclusive), from their daily counts."""
    d = turn_days.c
    rows = conn.execute(
        select(d.intent, d.ranked_intent, d.typed, func.sum(d.messages), func.sum(d.scored), func.sum(d.confidence_sum))
        .where(d.day >= first, d.day < end)
        .group_by(d.intent, d.ranked_intent, d.typed)
    ).all()
    return [(intent or None, ranked or None, typed, count, counted, total)
            for intent, ranked, typed, count, counted, total in rows]


def _tally(conn: Connection, period: Period) -> _Tally:
    # The UTC days wholly inside the period come from their daily counts, the hours before and after
    # them (a local midnight is rarely a UTC one) from the turns: together exactly the period's turns.
    first, end = day_of(period.start_ts), day_of(period.end_ts)
    if first * DAY_SECONDS < period.start_ts:
        first += 1
    if first < end:
        groups = [*_day_groups(conn, first, end)]
        for lo, hi in ((period.start_ts, first * DAY_SECONDS), (end * DAY_SECONDS, period.end_ts)):
            if lo < hi:
                groups += _turn_groups(conn, lo, hi)
    else:
        groups = _turn_groups(conn, period.start_ts, period.end_ts)
    messages: Counter[str] = Counter()
    scored: dict[str, tuple[int, float]] = {}
    for intent, ranked, typed, count, counted, total in groups:
        if intent is not None:
            messages[intent] += count
            if typed and ranked is not None and counted:
                n, sum_ = scored.get(ranked, (0, 0.0))
                scored[ranked] = (n + counted, sum_ + float(total))
    return _Tally(messages=messages, scored=scored, visitor_messages=sum(row[3] for row in groups))


def _top(tally: _Tally, limit: int) -> list[IntentCount]:
    ranked = sorted(tally.messages.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [IntentCount(intent=name, messages=n) for name, n in ranked]


def _lowest(tally: _Tally, min_messages: int, limit: int) -> list[IntentConfidence]:
    means = sorted(((name, n, total / n) for name, (n, total) in tally.scored.items() if n >= min_messages),
                   key=lambda row: (row[2], row[0]))[:limit]
    return [IntentConfidence(intent=name, messages=n, mean_confidence=mean) for name, n, mean in means]


def _totals(conn: Connection, period: Period, per_day: list[DayCount], tally: _Tally) -> ConversationTotals:
    # Each conversation counts once, on the day of its first message in the period: the days add up.
    return ConversationTotals(
        conversations=sum(d.conversations for d in per_day), visitor_messages=tally.visitor_messages,
        fallback_conversations=_fallback_conversations(conn, period), fallback_messages=tally.messages[FALLBACK_INTENT],
    )


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """Every conversation figure of the dashboard, from three passes over the summaries."""

    per_day: list[DayCount]
    totals: ConversationTotals
    top_intents: list[IntentCount]
    low_confidence: list[IntentConfidence]


def _fallback_conversations(conn: Connection, period: Period) -> int:
    is_fallback = turns.c.intent == FALLBACK_INTENT
    missed = union(
        select(turns.c.sender_id).where(_in_period(period, turns.c.ts), is_fallback),
        select(marks.c.sender_id).where(marks.c.kind == "suggest", _in_period(period, marks.c.ts),
                                        exists().where(turns.c.sender_id == marks.c.sender_id,
                                                       _in_period(period, turns.c.ts))),
    ).subquery()
    return conn.scalar(select(func.count()).select_from(missed)) or 0


def period_figures(conn: Connection, *, period: Period, top: int = TOP_INTENTS,
                   min_messages: int = MIN_CONFIDENCE_MESSAGES, low: int = LOW_CONFIDENCE_INTENTS) -> PeriodFigures:
    """``conversations_per_day``, ``conversation_totals``, ``top_intents`` and ``lowest_confidence_intents``
    at once, sharing the per-day counts and the one grouped pass over the period's turns."""
    per_day = conversations_per_day(conn, period=period)
    if not has_tables(conn):
        return PeriodFigures(per_day, ConversationTotals(0, 0, 0, 0), [], [])
    tally = _tally(conn, period)
    return PeriodFigures(per_day=per_day, totals=_totals(conn, period, per_day, tally),
                         top_intents=_top(tally, top), low_confidence=_lowest(tally, min_messages, low))
