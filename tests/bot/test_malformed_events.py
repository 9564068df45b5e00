"""Tracker rows that are not valid JSON never break a reader (SQLite and PostgreSQL).

Before the tracker store wrote strict JSON, `/greet{"brand":1e999}` stored an
entity value `Infinity` (Python's json.dumps writes the bare tokens Infinity,
-Infinity and NaN); SQLite's json_extract and PostgreSQL's json casts raise on
such a row, and every console page reading JSON in SQL failed for everyone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import Engine

from bot.analytics import period_of_days
from bot.analytics.conversations import (
    conversation_totals,
    conversations_per_day,
    lowest_confidence_intents,
    top_intents,
)
from bot.transcripts.chat import chat_messages
from bot.transcripts.conversations import ConversationFilters, list_conversations
from bot.transcripts.store import events_after, parse_event_data
from bot.transcripts.transcript import read_transcript
from tests.bot.tracker_events import TrackerWriter, tracker_database

T0 = datetime(2030, 1, 10, 12, 0, tzinfo=timezone.utc).timestamp()
PERIOD = period_of_days(first=date(2030, 1, 10), last=date(2030, 1, 11), zone="Europe/Berlin")
INF, NAN = float("inf"), float("nan")


def _strict_dumps(value) -> str:
    return json.dumps(value, allow_nan=False, default=str)  # what a JSON response does


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def tracker(request, tmp_path_factory) -> Iterator[Engine]:
    with tracker_database(request.param, tmp_path_factory.mktemp("malformed")) as engine:
        yield _fill(engine)


def _fill(engine: Engine) -> Engine:
    with engine.begin() as conn:
        w = TrackerWriter(conn, start=T0)
        w.session("shoes").user("shoes", "black running shoes", "product_search", 0.97)
        w.action("shoes", "action_search_products").bot("shoes", "Here is what I found.")
        w.session("order").user("order", "where is my order", "order_status", 0.52)
        w.action("order", "action_handoff").bot("order", "A colleague will join.")
        # As the old store wrote `/greet{"brand":1e999}` and a NaN: json.dumps -> bare Infinity / NaN tokens.
        w.session("odd").user("odd", '/greet{"brand":1e999}', "greet", 1.0,
                              entities=[{"entity": "brand", "value": INF}, {"entity": "size", "value": NAN}])
        w.bot("odd", "Hi! What are you looking for?", buttons=[{"title": "Shoes", "payload": "/search"}])
        w.slot("odd", "order_number", -INF)
        w.user("odd", "blorp", "nlu_fallback", 0.3, ranking=[("nlu_fallback", 0.3), ("greet", 0.2)])
        # A valid row that merely mentions the words: it must count like any other.
        w.session("words").user("words", "is NaN or Infinity a size?", "product_search", 0.41)
        w.write()
        # A row cut short, and one that is JSON but no object.
        w._add("odd", "user", {"text": "cut"}, intent="greet")
        w.rows[-1]["data"] = w.rows[-1]["data"][:12]
        w._add("odd", "user", {}, intent="greet")
        w.rows[-1]["data"] = "[1, 2]"
        w.write()
    assert 'Infinity' in _raw(engine, "odd") and 'NaN' in _raw(engine, "odd")  # really as the old store wrote
    return engine


def _raw(engine: Engine, sender_id: str) -> str:
    with engine.connect() as conn:
        return " ".join(e.data.get("text", "") for e in events_after(conn, sender_id=sender_id)) + " ".join(
            r for (r,) in conn.exec_driver_sql(f"SELECT data FROM events WHERE sender_id = '{sender_id}'"))


def _ids(engine: Engine, **filters) -> list[str]:
    with engine.connect() as conn:
        page = list_conversations(conn, filters=ConversationFilters(**filters))
    return [c.sender_id for c in page.items]


def test_the_list_shows_every_conversation_and_reads_the_bad_one_as_far_as_it_can(tracker):
    with tracker.connect() as conn:
        page = list_conversations(conn)
    by_id = {c.sender_id: c for c in page.items}
    assert set(by_id) == {"shoes", "order", "odd", "words"} and page.total == 4
    odd = by_id["odd"]
    assert odd.turns == 4 and odd.fallback  # from the columns, readable on every row
    assert odd.lowest_confidence == pytest.approx(0.2)  # from its readable fallback message
    assert odd.snippet is None or "1e999" in odd.snippet
    assert by_id["words"].lowest_confidence == pytest.approx(0.41)


@pytest.mark.parametrize(("filters", "expected"), [
    ({"text": "shoes"}, ["shoes"]),
    ({"text": "nan or infinity"}, ["words"]),  # valid JSON that mentions the words is still searched
    ({"text": "blorp"}, ["odd"]),
    ({"intent": "greet"}, ["odd"]),
    ({"fallback": True}, ["odd"]),
    ({"fallback": False}, ["words", "order", "shoes"]),  # "odd" is the latest: its bad rows came last
    ({"handoff": True}, ["order"]),
    ({"handoff": False}, ["odd", "words", "shoes"]),
    ({"confidence_below": 0.5}, ["odd", "words"]),
    ({"since": datetime.fromtimestamp(T0, tz=timezone.utc), "until": datetime(2031, 1, 1, tzinfo=timezone.utc)},
     ["odd", "words", "order", "shoes"]),
])
def test_every_filter_answers_with_the_other_conversations(tracker, filters, expected):
    assert _ids(tracker, **filters) == expected


def test_analytics_count_the_bad_rows_by_their_columns_and_skip_their_json(tracker):
    with tracker.connect() as conn:
        totals = conversation_totals(conn, period=PERIOD)
        per_day = conversations_per_day(conn, period=PERIOD)
        top = top_intents(conn, period=PERIOD)
        low = lowest_confidence_intents(conn, period=PERIOD, min_messages=1)
    assert (totals.conversations, totals.visitor_messages, totals.fallback_conversations) == (4, 7, 1)
    assert sum(d.conversations for d in per_day) == 4
    assert {t.intent: t.messages for t in top}["greet"] == 3
    # The fallback message counts for the intent ranked first after it; the unreadable greet rows are left out.
    assert {c.intent: (c.messages, round(c.mean_confidence, 2)) for c in low} == {
        "greet": (1, 0.2), "product_search": (2, 0.69), "order_status": (1, 0.52),
    }


def test_the_widget_history_and_the_transcript_hold_only_json_values(tracker):
    with tracker.connect() as conn:
        messages = chat_messages(conn, sender_id="odd")
        transcript = read_transcript(conn, sender_id="odd")
        masked = read_transcript(conn, sender_id="odd", mask=True)
    # (a "/intent" payload no button offered is not shown; the unreadable rows are skipped)
    assert [m.text for m in messages] == ["Hi! What are you looking for?", "blorp"]
    visitor = [i for i in transcript.items if i.kind == "visitor"]
    assert [(e.entity, e.value) for e in visitor[0].entities] == [("brand", "Infinity"), ("size", "NaN")]
    assert [i.value for i in transcript.items if i.kind == "slot"] == ["-Infinity"]
    for value in ([asdict(m) for m in messages], asdict(transcript), asdict(masked)):
        _strict_dumps(value)  # raises on inf / nan


def test_parsing_reads_non_finite_tokens_as_the_strings_the_store_writes():
    assert parse_event_data('{"a": [Infinity, -Infinity, NaN, 1e999, -1e999, 0.5]}') == {
        "a": ["Infinity", "-Infinity", "NaN", "Infinity", "-Infinity", 0.5]}
    assert parse_event_data('{"a": 1') == {} and parse_event_data("[1]") == {} and parse_event_data(None) == {}
