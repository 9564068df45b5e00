"""The console's summary tables against what the raw tracker events say.

The same events are applied every way they can reach the tables: in order, shuffled
with duplicates (a redelivering broker), through the backfill, and through the SQL
broker's table with the feed stopped and restarted. Each must give exactly what
the raw events say, computed independently (tests/bot/summary_reference.py).
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from sqlalchemy import Engine, MetaData, func, select

from bot.analytics import period_between
from bot.analytics.conversations import conversation_totals, top_intents
from bot.db import make_engine
from bot.summaries.apply import apply_events, forget
from bot.summaries.backfill import backfill, row_event
from bot.summaries.feed_sql import broker_events, catch_up, lag, position
from bot.summaries.tables import drop_tables, ensure_tables, summaries
from bot.transcripts.conversations import ConversationFilters, list_conversations
from bot.transcripts.store import events
from tests.bot.summary_reference import expected_from_rows, summarised
from tests.bot.tracker_events import TrackerWriter, tracker_database

T0 = 1_900_000_000.0
TEXTS = ["do you have red running shoes", "where is my order", "I want a refund for the hoodie", "hello",
         "can I pay with paypal", "Refund please, it was broken", "blorp", "talk to a person", "ok thanks"]
INTENTS = ["product_search", "order_status", "return_request", "greet", "payment_info", "human_handoff", "thank"]


def _conversations(n: int, seed: int = 7) -> list[dict]:
    """Tracker rows of ``n`` varied conversations, interleaved in time as real traffic is."""
    rng = random.Random(seed)
    w = TrackerWriter(None, start=T0)  # rows only: each test decides how they reach the tables
    for k in range(n):
        sender = f"conv-{k:03d}"
        w.session(sender, at=T0 + rng.uniform(0, 5000))
        for _ in range(rng.randint(0, 5)):
            text = rng.choice(TEXTS)
            if rng.random() < 0.15:
                w.fallback(sender, text, rng.choice(INTENTS), rng.uniform(0.2, 0.6))
                w.action(sender, rng.choice(["action_default_fallback", "action_fallback_suggest"]))
            else:
                meta = {"display": "Track my order"} if rng.random() < 0.1 else None
                w.user(sender, text if not meta else "/order_status", rng.choice(INTENTS), rng.uniform(0.3, 1.0),
                       metadata=meta)
            if rng.random() < 0.1:
                w.action(sender, "action_handoff")
            w.bot(sender, f"Answer about {text}")
            w.action(sender, "action_listen")
    for i, row in enumerate(w.rows, start=1):
        row["id"] = i
    return w.rows


def _insert_raw(engine: Engine, rows: list[dict]) -> None:
    with engine.begin() as conn:
        conn.execute(events.insert(), [{k: v for k, v in r.items() if k != "id"} for r in rows])


def _same(engine: Engine, rows: list[dict]) -> None:
    expected, got = expected_from_rows(rows), summarised(engine)
    assert set(got) == set(expected)
    for sender, want in expected.items():
        have = got[sender]
        assert (have.turns, have.fallback, have.handoff, have.intents, have.first_text) == \
               (want.turns, want.fallback, want.handoff, want.intents, want.first_text), sender
        assert (have.started, have.last) == pytest.approx((want.started, want.last)), sender
        assert have.lowest == pytest.approx(want.lowest), sender


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def tracker(request, tmp_path) -> Iterator[Engine]:
    with tracker_database(request.param, tmp_path) as engine:
        yield engine


ROWS = _conversations(120)


def test_applied_in_order_the_summaries_say_what_the_events_say(tracker):
    with tracker.begin() as conn:
        apply_events(conn, ((r["sender_id"], row_event(r)) for r in ROWS))
    _same(tracker, ROWS)


def test_shuffled_and_delivered_twice_they_say_the_same(tracker):
    redelivered = ROWS + random.Random(3).sample(ROWS, 300)
    random.Random(5).shuffle(redelivered)
    for start in range(0, len(redelivered), 97):  # batches, as a consumer commits them
        with tracker.begin() as conn:
            apply_events(conn, ((r["sender_id"], row_event(r)) for r in redelivered[start:start + 97]))
    _same(tracker, ROWS)


def test_the_backfill_builds_them_from_the_tracker_store_and_can_run_again(tracker):
    _insert_raw(tracker, ROWS)
    with tracker.begin() as conn:
        drop_tables(conn)
    assert backfill(tracker, batch=250) == len(ROWS)
    _same(tracker, ROWS)
    assert backfill(tracker) == len(ROWS)  # again (e.g. beside a running feed): nothing doubles
    _same(tracker, ROWS)
    assert backfill(tracker, rebuild=True) == len(ROWS)
    _same(tracker, ROWS)


def test_the_list_and_analytics_filter_what_the_events_say(tracker):
    _insert_raw(tracker, ROWS)
    backfill(tracker)
    expected = expected_from_rows(ROWS)
    texts = {}
    for r in ROWS:
        data = json.loads(r["data"])
        if r["type_name"] in ("user", "bot") and data.get("text"):
            texts.setdefault(r["sender_id"], []).append(data["text"].lower())

    def listed(**filters) -> set[str]:
        with tracker.connect() as conn:
            page = list_conversations(conn, filters=ConversationFilters(**filters), per_page=100)
            rest = [list_conversations(conn, filters=ConversationFilters(**filters), page=p, per_page=100)
                    for p in range(2, page.total // 100 + 2)]
        ids = [c.sender_id for c in page.items] + [c.sender_id for p in rest for c in p.items]
        assert len(ids) == len(set(ids)) == page.total
        return set(ids)

    assert listed() == set(expected)
    assert listed(fallback=True) == {s for s, e in expected.items() if e.fallback}
    assert listed(handoff=True) == {s for s, e in expected.items() if e.handoff}
    assert listed(intent="return_request") == {s for s, e in expected.items() if "return_request" in e.intents}
    assert listed(confidence_below=0.5) == {s for s, e in expected.items() if e.lowest is not None and e.lowest < 0.5}
    assert listed(text="refund") == {s for s, t in texts.items() if any("refund" in x for x in t)}
    assert listed(text="ok") == {s for s, t in texts.items() if any("ok" in x for x in t)}  # under 3 characters
    since = datetime.fromtimestamp(T0 + 2500, tz=timezone.utc)
    assert listed(since=since) == {s for s, e in expected.items() if e.last >= since.timestamp()}
    with tracker.connect() as conn:
        first = list_conversations(conn, per_page=10).items
    assert [c.sender_id for c in first] == sorted(expected, key=lambda s: (-expected[s].last, s))[:10]

    period = period_between(start=datetime.fromtimestamp(T0 - 10, tz=timezone.utc),
                            end=datetime.fromtimestamp(T0 + 10_000, tz=timezone.utc), zone="UTC")
    counted = Counter(json.loads(r["data"])["parse_data"]["intent"]["name"] for r in ROWS if r["type_name"] == "user")
    with tracker.connect() as conn:
        assert {i.intent: i.messages for i in top_intents(conn, period=period, limit=50)} == dict(counted)
        totals = conversation_totals(conn, period=period)
    assert totals.visitor_messages == sum(counted.values())
    assert totals.conversations == sum(1 for e in expected.values() if e.turns)


def _broker(tmp_path) -> Engine:
    """A database shaped as Rasa's SQLEventBroker makes it."""
    engine = make_engine(f"sqlite:///{tmp_path / 'broker.db'}")
    broker_events.metadata.create_all(engine)
    return engine


def _publish(broker: Engine, rows: list[dict]) -> None:
    """What Rasa's SQL broker writes for each stored event: its JSON with the sender id."""
    with broker.begin() as conn:
        conn.execute(broker_events.insert(), [
            {"sender_id": r["sender_id"], "data": json.dumps({"sender_id": r["sender_id"], **json.loads(r["data"])})}
            for r in rows])


def test_the_sql_broker_feed_catches_up_after_being_down_and_loses_nothing(tracker, tmp_path):
    broker = _broker(tmp_path)
    half = len(ROWS) // 2
    _publish(broker, ROWS[:half])
    assert lag(tracker, broker) == half
    assert catch_up(tracker, broker, batch=100) == half
    assert lag(tracker, broker) == 0
    with broker.connect() as conn:  # applied rows are pruned, all but the newest (which keeps ids growing)
        assert conn.execute(select(func.count()).select_from(broker_events)).scalar() == 1
    # The feed is down while Rasa goes on publishing; started again, it reads from where it committed.
    _publish(broker, ROWS[half:])
    assert lag(tracker, broker) == len(ROWS) - half
    assert catch_up(tracker, broker, batch=64) == len(ROWS) - half
    _same(tracker, ROWS)
    with tracker.connect() as conn:
        assert position(conn) == len(ROWS)


def test_a_recreated_broker_table_is_read_from_its_start(tracker, tmp_path):
    broker = _broker(tmp_path)
    _publish(broker, ROWS[:200])
    catch_up(tracker, broker)
    broker_events.metadata.drop_all(broker)  # e.g. the broker's file was deleted
    broker_events.metadata.create_all(broker)
    _publish(broker, ROWS[200:])
    assert catch_up(tracker, broker) == len(ROWS) - 200
    _same(tracker, ROWS)


def test_an_erased_conversation_stays_erased_when_its_old_events_arrive_late(tracker, tmp_path):
    broker = _broker(tmp_path)
    sender = ROWS[0]["sender_id"]
    mine = [r for r in ROWS if r["sender_id"] == sender]
    _publish(broker, mine[:2])
    catch_up(tracker, broker)
    with tracker.begin() as conn:
        forget(conn, sender_id=sender, erased_at=T0 + 100_000)
    _publish(broker, mine)  # a backlog from before the erasure
    catch_up(tracker, broker)
    assert sender not in summarised(tracker)
    w = TrackerWriter(None, start=T0 + 200_000)
    w.user(sender, "hello again", "greet", 0.9)  # the visitor comes back afterwards: a new conversation
    _publish(broker, w.rows)
    catch_up(tracker, broker)
    assert summarised(tracker)[sender].turns == 1


def test_bad_events_are_read_as_far_as_they_go(tracker):
    with tracker.begin() as conn:
        kept = apply_events(conn, [
            (None, {"event": "user"}), ("x", "not a dict"), ("x", {"event": "user", "timestamp": "soon"}),
            ("x", {"event": "user", "text": "nul \x00 and \ud800 lone", "timestamp": T0,
                   "parse_data": {"intent": {"name": ["no"], "confidence": "high"}}}),
            ("x", {"event": "bot", "text": 42, "timestamp": float("inf")}),
            ("y" * 400, {"event": "action", "name": "action_handoff", "timestamp": T0}),
        ])
    assert kept == 4
    got = summarised(tracker)
    assert got["x"].turns == 2 and got["x"].lowest is None and got["x"].first_text == "nul \ufffd and \ufffd lone"
    assert got["y" * 255].handoff


@pytest.mark.postgres
def test_concurrent_consumers_on_postgresql_agree(tmp_path):
    with tracker_database("postgresql", tmp_path) as engine:
        shuffled = ROWS * 2
        random.Random(11).shuffle(shuffled)
        parts = [shuffled[i::3] for i in range(3)]
        errors: list[BaseException] = []

        def consume(part: list[dict]) -> None:
            try:
                for start in range(0, len(part), 40):
                    with engine.begin() as conn:
                        apply_events(conn, ((r["sender_id"], row_event(r)) for r in part[start:start + 40]))
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=consume, args=(p,)) for p in parts]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        _same(engine, ROWS)


def test_a_new_layout_rebuilds_the_tables(tracker, monkeypatch):
    with tracker.begin() as conn:
        assert ensure_tables(conn) is False  # already there
        apply_events(conn, ((r["sender_id"], row_event(r)) for r in ROWS[:50]))
    monkeypatch.setattr("bot.summaries.tables.SCHEMA_VERSION", 99)
    with tracker.begin() as conn:
        assert ensure_tables(conn) is True
        assert conn.execute(select(func.count()).select_from(summaries)).scalar() == 0


def test_nothing_is_listed_before_the_tables_exist(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    MetaData().create_all(engine)
    with engine.connect() as conn:
        assert list_conversations(conn).total == 0


@pytest.mark.parametrize("needle", ['50% off_now', 'say "hi"', "back\\slash", "Refund PLEASE", "it was"])
def test_search_finds_text_with_quotes_wildcards_and_any_case_exactly(tracker, needle):
    w = TrackerWriter(None, start=T0)
    w.user("has-it", f"well, {needle.lower()}!", "greet", 0.9)
    w.user("near-miss", (needle[:2] + needle[3:]).lower(), "greet", 0.9)  # one character short
    w.user("plain", "nothing to see", "greet", 0.9)
    with tracker.begin() as conn:
        apply_events(conn, ((r["sender_id"], row_event(r)) for r in w.rows))
    with tracker.connect() as conn:
        found = {c.sender_id for c in list_conversations(conn, filters=ConversationFilters(text=needle)).items}
    assert found == {"has-it"}


def test_the_sweep_applies_what_the_broker_lost_once_and_only_up_to_the_last_sweeps_newest(tracker, tmp_path):
    from bot.summaries import sweep as sweeping

    broker = _broker(tmp_path)
    third = len(ROWS) // 3
    with tracker.begin() as conn:
        ensure_tables(conn)
    _insert_raw(tracker, ROWS[:third])
    _publish(broker, ROWS[:third])
    catch_up(tracker, broker)
    sweeping.start_at_newest(tracker)  # what is stored so far, the broker (or a backfill) applied
    ceiling = sweeping.sweep(tracker, None)
    assert ceiling == third
    # Stored, but the broker delivers only every other event (a replica killed, a connection dropped).
    _insert_raw(tracker, ROWS[third:])
    _publish(broker, ROWS[third::2])
    catch_up(tracker, broker)
    # This sweep may only go up to what the previous one saw: nothing new yet.
    ceiling = sweeping.sweep(tracker, ceiling)
    assert ceiling == len(ROWS)
    with tracker.connect() as conn:
        assert conn.execute(select(sweeping.feeds.c.position).where(sweeping.feeds.c.name == sweeping.NAME)
                            ).scalar() == third
    sweeping.sweep(tracker, ceiling)  # the next one applies the rest; what the broker delivered counts once
    _same(tracker, ROWS)
    sweeping.sweep(tracker, sweeping.sweep(tracker, ceiling))  # again: nothing doubles
    _same(tracker, ROWS)
