"""The conversation list's SQL (aggregates, filters, pagination) on SQLite and PostgreSQL tracker stores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from sqlalchemy import Engine

from bot.db import make_engine
from bot.transcripts.conversations import ConversationFilters, conversation_exists, list_conversations
from bot.transcripts.store import metadata
from tests.bot.tracker_events import TrackerWriter, tracker_database

DAY = 86_400.0
T0 = 1_750_000_000.0  # 2025-06-15


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def tracker(request, tmp_path) -> Iterator[Engine]:
    with tracker_database(request.param, tmp_path) as engine:
        yield engine


@pytest.fixture
def conversations(tracker) -> Engine:
    """Four conversations on three days: a search, an order check, a fallback with handoff, a policy question."""
    with tracker.begin() as conn:
        w = TrackerWriter(conn)
        w.session("search", at=T0)
        w.user("search", "black Running shoes under 100", "product_search", 0.97,
               entities=[{"entity": "color", "start": 0, "end": 5, "value": "black"}])
        w.action("search", "action_search_products").bot("search", "Here is what I found.")
        w.user("search", "thanks", "thank", 0.99).action("search", "utter_thank")
        w.bot("search", "You're welcome! 100% happy to help.", utter="utter_thank")

        w.session("order", at=T0 + DAY)
        w.user("order", "where is my order", "order_status", 0.88).action("order", "order_status_form")
        w.user("order", "100001", "inform", 0.52).action("order", "order_status_form")
        w.user("order", "emma.schmidt@example.com", "inform", 0.93).action("order", "action_order_status")
        w.bot("order", "Your order 100001 is on its way.")

        w.session("lost", at=T0 + 2 * DAY)
        w.fallback("lost", "blorp snargle", "product_search", 0.21).action("lost", "action_fallback_suggest")
        w.user("lost", "talk to a human", "human_handoff", 0.95).action("lost", "action_handoff")
        w.bot("lost", "I have asked a colleague to join.")

        w.session("policy", at=T0 + 2 * DAY + 3600)
        w.user("policy", "how much is shipping", "shipping_info", 0.91, retrieval="shipping_info/cost")
        w.action("policy", "utter_shipping_info")
        w.write()
    return tracker


def _ids(engine: Engine, **filters) -> list[str]:
    with engine.connect() as conn:
        page = list_conversations(conn, filters=ConversationFilters(**filters))
    assert page.total == len(page.items)
    return [c.sender_id for c in page.items]


def test_summaries_newest_first(conversations):
    with conversations.connect() as conn:
        page = list_conversations(conn)
    assert [c.sender_id for c in page.items] == ["policy", "lost", "order", "search"]
    by_id = {c.sender_id: c for c in page.items}
    order = by_id["order"]
    assert order.turns == 3 and order.intents == ("order_status", "inform")
    assert order.lowest_confidence == pytest.approx(0.52) and not order.fallback and not order.handoff
    assert order.snippet == "where is my order"
    assert order.started_at == datetime.fromtimestamp(T0 + DAY, tz=timezone.utc)
    lost = by_id["lost"]
    # The fallback's own 0.45 is the threshold; the intent it beat had 0.21.
    assert lost.fallback and lost.handoff and lost.lowest_confidence == pytest.approx(0.21)
    assert lost.intents == ("nlu_fallback", "human_handoff")
    assert by_id["search"].turns == 2 and page.total == 4 and page.pages == 1


@pytest.mark.parametrize(("filters", "expected"), [
    ({"intent": "inform"}, ["order"]),
    ({"intent": "shipping_info"}, ["policy"]),
    ({"fallback": True}, ["lost"]),
    ({"fallback": False}, ["policy", "order", "search"]),
    ({"handoff": True}, ["lost"]),
    ({"handoff": False}, ["policy", "order", "search"]),
    ({"confidence_below": 0.6}, ["lost", "order"]),
    ({"confidence_below": 0.2}, []),
    ({"text": "RUNNING"}, ["search"]),
    ({"text": "on its way"}, ["order"]),  # bot messages count too
    ({"text": "100%"}, ["search"]),  # % is a character, not a wildcard
    ({"text": "1_0"}, []),
    ({"since": datetime.fromtimestamp(T0 + DAY, tz=timezone.utc)}, ["policy", "lost", "order"]),
    ({"until": datetime.fromtimestamp(T0 + DAY, tz=timezone.utc)}, ["search"]),
    ({"since": datetime.fromtimestamp(T0 + DAY, tz=timezone.utc),
      "until": datetime.fromtimestamp(T0 + 2 * DAY, tz=timezone.utc)}, ["order"]),
    ({"only_ids": frozenset({"order", "lost", "nobody"})}, ["lost", "order"]),
    ({"only_ids": frozenset()}, []),
    ({"except_ids": frozenset({"order"})}, ["policy", "lost", "search"]),
    ({"fallback": False, "confidence_below": 0.9, "except_ids": frozenset({"search"})}, ["order"]),
])
def test_filters(conversations, filters, expected):
    assert _ids(conversations, **filters) == expected


def test_pagination_counts_everything_and_pages_in_sql(conversations):
    with conversations.connect() as conn:
        first = list_conversations(conn, page=1, per_page=3)
        second = list_conversations(conn, page=2, per_page=3)
        beyond = list_conversations(conn, page=9, per_page=3)
        assert conversation_exists(conn, sender_id="order") and not conversation_exists(conn, sender_id="x")
    assert [c.sender_id for c in first.items] == ["policy", "lost", "order"] and first.pages == 2
    assert [c.sender_id for c in second.items] == ["search"] and second.total == 4
    assert beyond.items == () and beyond.total == 4


def test_snippet_is_the_first_match_when_searching(conversations):
    with conversations.connect() as conn:
        page = list_conversations(conn, filters=ConversationFilters(text="thanks"))
    assert [(c.sender_id, c.snippet) for c in page.items] == [("search", "thanks")]


def test_a_store_without_the_events_table_is_an_empty_list(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with engine.connect() as conn:
        assert list_conversations(conn).total == 0
    engine.dispose()


def test_pages_and_totals_are_right_with_thousands_of_conversations(tmp_path):
    """3,000 conversations of 23 events (69,000 rows). (How fast: benchmarks/console_list.py.)"""
    engine = make_engine(f"sqlite:///{tmp_path / 'big.db'}")
    metadata.create_all(engine)
    with engine.begin() as conn:
        w = TrackerWriter(conn)
        for n in range(3000):
            sender = f"visitor-{n:05d}"
            w.session(sender)
            for turn in range(5):
                w.user(sender, f"message {turn} of {n}", "product_search" if n % 7 else "order_status", 0.5 + turn / 10)
                w.action(sender, "action_search_products").bot(sender, "found it")
                w.action(sender, "action_listen")
            if len(w.rows) > 5000:
                w.write()
        w.write()
    with engine.connect() as conn:
        page = list_conversations(conn, filters=ConversationFilters(intent="order_status", confidence_below=0.6),
                                  page=3, per_page=25)
        plain = list_conversations(conn, page=40, per_page=25)
    engine.dispose()
    assert page.total == 429 and len(page.items) == 25 and plain.total == 3000
    assert [item.sender_id for item in plain.items] == [f"visitor-{n:05d}" for n in range(2024, 1999, -1)]
