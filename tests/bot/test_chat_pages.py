"""The widget's history read in pages: long conversations keep flowing, retries are still found."""

from __future__ import annotations

import pytest

from bot.db import make_engine
from bot.transcripts.chat import PAGE_EVENTS, chat_messages, find_by_client_id
from bot.transcripts.offers import RECENT_BOT_MESSAGES, offered_payloads
from bot.transcripts.store import metadata
from tests.bot.tracker_events import TrackerWriter

BUTTONS = [{"title": "Yes please", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


@pytest.fixture
def conn(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    metadata.create_all(engine)
    with engine.begin() as connection:
        yield connection
    engine.dispose()


def _long_conversation(conn, sender: str, turns: int) -> None:
    w = TrackerWriter(conn)
    w.session(sender)
    for i in range(turns):
        w.user(sender, f"message {i}", "inform", 0.9, metadata={"client_id": f"c{i}"})
        w.bot(sender, f"answer {i}")
    w.write()


def test_a_client_that_follows_a_long_conversation_gets_every_message(conn):
    """3,000 messages: more than the 2,000 events the widget used to stop at."""
    _long_conversation(conn, "long", 1500)
    seen, after = [], 0
    while page := chat_messages(conn, sender_id="long", after=after):
        assert len(page) <= PAGE_EVENTS
        seen.extend(page)
        after = page[-1].seq
    assert len(seen) == 3000
    assert seen[-1].text == "answer 1499" and seen[-2].text == "message 1499"
    assert [m.seq for m in seen] == sorted({m.seq for m in seen})


def test_new_messages_after_event_2000_are_read(conn):
    _long_conversation(conn, "late", 1100)
    last = chat_messages(conn, sender_id="late", after=0)[-1].seq
    w = TrackerWriter(conn, start=2_000_000_000.0)
    w.user("late", "still there?", "greet", 0.9).bot("late", "Yes!")
    w.write()
    tail_after = max(m.seq for m in _all(conn, "late")) - 2
    assert [m.text for m in chat_messages(conn, sender_id="late", after=tail_after)] == ["still there?", "Yes!"]
    assert last < tail_after


def _all(conn, sender):
    out, after = [], 0
    while page := chat_messages(conn, sender_id=sender, after=after):
        out.extend(page)
        after = page[-1].seq
    return out


def test_a_retry_late_in_a_long_conversation_is_recognised(conn):
    _long_conversation(conn, "retry", 1200)
    found = find_by_client_id(conn, sender_id="retry", client_id="c1199")
    assert found is not None and found.text == "message 1199"
    assert find_by_client_id(conn, sender_id="retry", client_id="never-sent") is None


def test_a_clicked_button_shows_its_title_even_when_the_offer_was_on_an_earlier_page(conn):
    w = TrackerWriter(conn)
    w.session("btn").bot("btn", "Shall I get a person?", buttons=BUTTONS)
    w.write()
    offer_seq = chat_messages(conn, sender_id="btn")[-1].seq
    w.user("btn", "/affirm", "affirm", 1.0).bot("btn", "On it.")
    w.write()
    page = chat_messages(conn, sender_id="btn", after=offer_seq)
    assert [m.text for m in page] == ["Yes please", "On it."]


def test_offered_payloads_are_the_recent_buttons_of_that_conversation_only(conn):
    w = TrackerWriter(conn)
    w.session("offers").bot("offers", "Pick one", buttons=BUTTONS)
    w.session("other").bot("other", "Pick", buttons=[{"title": "Cancel", "payload": "/order_cancel"}])
    w.write()
    assert offered_payloads(conn, sender_id="offers") == {"/affirm", "/deny"}
    assert "/order_cancel" not in offered_payloads(conn, sender_id="offers")
    # Buttons from long ago are not honoured any more.
    for i in range(RECENT_BOT_MESSAGES):
        w.bot("offers", f"later {i}")
    w.write()
    assert offered_payloads(conn, sender_id="offers") == frozenset()
