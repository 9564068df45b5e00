"""The turns' daily counts (``conversation_turn_days``) against the turns and the raw events.

The analytics of a period read its whole UTC days from the daily counts and only the hours
around them from the turns. Whatever way the events arrive (twice, out of order, by the
backfill, from concurrent consumers, after an erasure), the counts must be exactly those of
the turns, and every figure the dashboard shows for any period it can ask for must be the
one the old single pass over the period's turns gives, and the one the raw events give.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, func, select

from bot.analytics import period_between, period_of_days
from bot.analytics.conversations import (
    _tally, _turn_groups, lowest_confidence_intents, period_figures, top_intents,
)
from bot.summaries.apply import apply_events, forget
from bot.summaries.backfill import backfill, row_event
from bot.summaries.extract import extract
from bot.summaries.tables import DAY_SECONDS, LAST_TURN_DAY, day_of, drop_tables, turn_days, turns
from bot.transcripts.store import events
from tests.bot.tracker_events import TrackerWriter, tracker_database

DAY0 = 21_990  # a UTC day (2030-03-16)
B = DAY0 * DAY_SECONDS + DAY_SECONDS  # the midnight (UTC) after it
INTENTS = ["product_search", "order_status", "return_request", "greet", "payment_info", "human_handoff"]
ZONES = ["UTC", "Europe/Berlin", "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham", "America/Los_Angeles"]


def _rows(n: int = 150, seed: int = 5) -> list[tuple[str, dict]]:
    """(sender, event) pairs of ``n`` conversations over six days, some turns right on a UTC midnight."""
    rng = random.Random(seed)
    w = TrackerWriter(None)
    for k in range(n):
        sender = f"c{k:03d}"
        w.session(sender, at=DAY0 * DAY_SECONDS + rng.uniform(0, 6 * DAY_SECONDS))
        for _ in range(rng.randint(0, 6)):
            if rng.random() < 0.2:
                w.fallback(sender, "hmm what", rng.choice(INTENTS), rng.uniform(0.2, 0.6))
            elif rng.random() < 0.15:
                w.user(sender, "/order_status", "order_status", 1.0, metadata={"display": "Track my order"})
            else:
                w.user(sender, "a question", rng.choice(INTENTS), rng.uniform(0.3, 1.0))
            w.bot(sender, "an answer")
            if rng.random() < 0.3:  # a day or two later
                w.ts += rng.uniform(0.5, 2) * DAY_SECONDS
    for k, at in enumerate([B - 1, B - 1 - 1e-6, B - 1 + 1e-6, B + DAY_SECONDS - 1, B - 1 - 0.5]):
        w.ts = at
        w.user(f"edge{k}", "on the stroke of midnight", INTENTS[k], 0.5 + k / 20)  # at ``at`` + 1
    pairs = [(r["sender_id"], row_event(r)) for r in w.rows]
    # Without a confidence, and a fallback without a runner-up: nothing scored.
    pairs.append(("bare", {"event": "user", "timestamp": B + 3600.0, "text": "hi",
                           "parse_data": {"intent": {"name": "greet"}}}))
    pairs.append(("bare", {"event": "user", "timestamp": B + 3601.0, "text": "??", "message_id": "m-bare",
                           "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.3},
                                          "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3}]}}))
    return pairs


PAIRS = _rows()
ERASED = ["c003", "c010", "edge2"]
ERASED_AT = (DAY0 + 60) * DAY_SECONDS  # after every event of theirs


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def tracker(request, tmp_path) -> Iterator[Engine]:
    with tracker_database(request.param, tmp_path) as engine:
        yield engine


def _apply(engine: Engine, pairs: list[tuple[str, dict]], batch: int = 97) -> None:
    for start in range(0, len(pairs), batch):
        with engine.begin() as conn:
            apply_events(conn, pairs[start:start + batch])


def _deliver_messily(engine: Engine) -> None:
    """Twice over in parts, shuffled; three conversations erased, their old events sent again (dropped),
    and one of them back afterwards."""
    redelivered = PAIRS + random.Random(3).sample(PAIRS, 400)
    random.Random(4).shuffle(redelivered)
    _apply(engine, redelivered[:700])
    with engine.begin() as conn:
        for sender in ERASED:
            forget(conn, sender_id=sender, erased_at=ERASED_AT)
    _apply(engine, redelivered[700:] + [p for p in PAIRS if p[0] in ERASED])
    _apply(engine, [("c010", {"event": "user", "timestamp": ERASED_AT + 60, "text": "back again",
                              "parse_data": {"intent": {"name": "greet", "confidence": 0.7}}})])


def _kept_pairs() -> list[tuple[str, dict]]:
    """What the events say should be counted after ``_deliver_messily``."""
    kept = [p for p in PAIRS if p[0] not in ERASED]
    return kept + [("c010", {"event": "user", "timestamp": ERASED_AT + 60, "text": "back again",
                             "parse_data": {"intent": {"name": "greet", "confidence": 0.7}}})]


def _day_table(engine: Engine) -> dict[tuple, tuple[int, int, float]]:
    with engine.connect() as conn:
        return {(r.day, r.intent, r.ranked_intent, bool(r.typed)): (r.messages, r.scored, r.confidence_sum)
                for r in conn.execute(select(turn_days))}


def _from_turns(engine: Engine) -> dict[tuple, tuple[int, int, float]]:
    """The daily counts recomputed from the turns, in Python."""
    found: dict[tuple, list] = {}
    with engine.connect() as conn:
        for r in conn.execute(select(turns)):
            n = found.setdefault((day_of(r.ts), r.intent or "", r.ranked_intent or "", bool(r.typed)), [0, 0, 0.0])
            n[0] += 1
            if r.confidence is not None:
                n[1] += 1
                n[2] += r.confidence
    return {k: tuple(v) for k, v in found.items()}


def _assert_counts_match_turns(engine: Engine) -> None:
    stored, expected = _day_table(engine), _from_turns(engine)
    assert set(stored) == set(expected)  # no row left at zero by an erasure, none missing
    for key, (n, scored, total) in expected.items():
        assert stored[key][:2] == (n, scored), key
        assert stored[key][2] == pytest.approx(total, abs=1e-9), key


def _old_tally(conn, period):
    """The figures the way they were computed before the daily counts: one pass over the period's turns."""
    messages, scored, visitor = Counter(), {}, 0
    for intent, ranked, typed, count, counted, total in _turn_groups(conn, period.start_ts, period.end_ts):
        visitor += count
        if intent is not None:
            messages[intent] += count
            if typed and ranked is not None and counted:
                n, s = scored.get(ranked, (0, 0.0))
                scored[ranked] = (n + counted, s + float(total))
    return messages, scored, visitor


def _periods() -> list:
    rng = random.Random(9)
    found = []
    for zone in ZONES:
        for first, last in [(-1, 0), (0, 0), (0, 1), (1, 3), (-2, 8), (2, 2), (-30, 30)]:
            found.append(period_of_days(first=date(2030, 3, 16) + timedelta(days=first),
                                        last=date(2030, 3, 16) + timedelta(days=last), zone=zone))
    at = lambda ts: datetime.fromtimestamp(ts, tz=timezone.utc)  # noqa: E731
    for start, end in [(B, B + DAY_SECONDS), (B - 1e-6, B + DAY_SECONDS), (B + 1e-6, B + 2 * DAY_SECONDS),
                       (B - DAY_SECONDS, B), (B - 900, B + 900), (B - 3, B + 3 * DAY_SECONDS + 3), (B - 0.5, B)]:
        found.append(period_between(start=at(start), end=at(end), zone="UTC"))
    for _ in range(40):
        start = DAY0 * DAY_SECONDS + rng.uniform(-DAY_SECONDS, 7 * DAY_SECONDS)
        found.append(period_between(start=at(start), end=at(start + rng.choice([60, 3600, 20 * 3600, 86_400,
                                                                                 rng.uniform(1, 5 * DAY_SECONDS)])),
                                    zone=rng.choice(ZONES)))
    return found


def _assert_figures_match_the_turns(engine: Engine) -> None:
    with engine.connect() as conn:
        for period in _periods():
            tally = _tally(conn, period)
            messages, scored, visitor = _old_tally(conn, period)
            assert (tally.messages, tally.visitor_messages) == (messages, visitor), period
            assert {k: n for k, (n, _) in tally.scored.items()} == {k: n for k, (n, _) in scored.items()}, period
            for intent, (_, total) in scored.items():
                assert tally.scored[intent][1] == pytest.approx(total), (period, intent)


def _reference_tally(pairs: list[tuple[str, dict]], start: float, end: float) -> tuple[Counter, Counter, int]:
    """Straight from the events: visitor messages per intent read, typed ones with a confidence per intent
    ranked first, and all of them."""
    read, ranked, seen = Counter(), Counter(), set()
    for sender, event in pairs:
        found = extract(event)
        if found.turn is None or not start <= found.ts < end or (sender, found.turn.key) in seen:
            continue
        seen.add((sender, found.turn.key))
        t = found.turn
        if t.intent is not None:
            read[t.intent] += 1
            if t.typed and t.ranked_intent is not None and t.confidence is not None:
                ranked[t.ranked_intent] += 1
    return read, ranked, len(seen)


def test_messy_delivery_and_erasures_leave_the_counts_of_the_turns(tracker):
    _deliver_messily(tracker)
    _assert_counts_match_turns(tracker)
    with tracker.connect() as conn:  # the erased are gone from the counts as from the turns; c010's new turn is there
        assert conn.scalar(select(func.count()).select_from(turns).where(turns.c.sender_id.in_(ERASED))) == 1
    _assert_figures_match_the_turns(tracker)


def test_the_figures_of_any_period_are_what_the_events_say(tracker):
    _deliver_messily(tracker)
    kept = _kept_pairs()
    at = lambda ts: datetime.fromtimestamp(ts, tz=timezone.utc)  # noqa: E731
    periods = [period_of_days(first=date(2030, 3, 15), last=date(2030, 3, 31), zone="Europe/Berlin"),
               period_between(start=at(B - 1e-6), end=at(B + 2 * DAY_SECONDS + 0.5), zone="UTC")]
    with tracker.connect() as conn:
        for period in periods:
            read, ranked, visitor = _reference_tally(kept, period.start_ts, period.end_ts)
            assert {i.intent: i.messages for i in top_intents(conn, period=period, limit=100)} == dict(read)
            low = lowest_confidence_intents(conn, period=period, min_messages=1, limit=100)
            assert {i.intent: i.messages for i in low} == dict(ranked)
            assert period_figures(conn, period=period).totals.visitor_messages == visitor
            assert visitor > 50


def test_the_backfill_builds_the_same_counts_and_can_run_again(tracker):
    with tracker.begin() as conn:
        conn.execute(events.insert(), [
            {"sender_id": s, "type_name": e["event"], "timestamp": e["timestamp"], "data": json.dumps(e)}
            for s, e in PAIRS])
        drop_tables(conn)
    backfill(tracker, batch=101)
    _assert_counts_match_turns(tracker)
    first = _day_table(tracker)
    backfill(tracker)  # again, beside a running feed: nothing doubles
    assert _day_table(tracker).keys() == first.keys()
    _assert_counts_match_turns(tracker)
    _assert_figures_match_the_turns(tracker)


@pytest.mark.postgres
def test_concurrent_consumers_on_postgresql_count_each_turn_once(tmp_path):
    with tracker_database("postgresql", tmp_path) as engine:
        shuffled = PAIRS * 2
        random.Random(11).shuffle(shuffled)
        errors: list[BaseException] = []

        def consume(part: list) -> None:
            try:
                _apply(engine, part, batch=40)
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=consume, args=(shuffled[i::3],)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        _assert_counts_match_turns(engine)
        _assert_figures_match_the_turns(engine)


def test_the_utc_day_of_a_timestamp_is_exact():
    for day in (1, DAY0, 2_932_896):
        edge = float(day * DAY_SECONDS)
        assert day_of(edge) == day
        assert day_of(edge + 0.5) == day
        assert day_of(edge - (1e-6 if edge < 1e10 else 1e-3)) == day - 1
    assert day_of(0.0) == 0
    assert day_of(1e300) == LAST_TURN_DAY
