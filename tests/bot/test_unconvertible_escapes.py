"""Valid JSON that PostgreSQL's JSON operators still refuse to turn into text never breaks a reader.

A visitor may type a NUL character, and a lone surrogate can reach Rasa's REST
channel; json.dumps writes them as the escapes \\u0000 and \\ud800, which are valid
JSON, but PostgreSQL raises "unsupported Unicode escape sequence" when ``->>``
converts them to text. (Found by the hostile-input e2e test: after its NUL message
the console list answered 500 on PostgreSQL.) Emoji, escaped as surrogate pairs,
must still be read.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import Engine

from bot.analytics import period_of_days
from bot.analytics.conversations import conversation_totals, lowest_confidence_intents, top_intents
from bot.transcripts.chat import chat_messages
from bot.transcripts.conversations import ConversationFilters, list_conversations
from tests.bot.tracker_events import TrackerWriter, tracker_database

T0 = datetime(2030, 2, 10, 12, 0, tzinfo=timezone.utc).timestamp()
PERIOD = period_of_days(first=date(2030, 2, 10), last=date(2030, 2, 11), zone="Europe/Berlin")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def tracker(request, tmp_path_factory) -> Iterator[Engine]:
    with tracker_database(request.param, tmp_path_factory.mktemp("escapes")) as engine:
        yield _fill(engine)


def _fill(engine: Engine) -> Engine:
    with engine.begin() as conn:
        w = TrackerWriter(conn, start=T0)
        w.session("nul").user("nul", "before\x00after", "greet", 0.4)
        w.session("lone").user("lone", "half \ud800 a pair", "greet", 0.35)
        w.session("low").user("low", "other half \udc00", "greet", 0.3)
        w.session("emoji").user("emoji", "red shoes 👟 please", "product_search", 0.9)
        w.write()
    return engine


def test_every_filter_answers_and_the_emoji_row_is_still_read(tracker):
    with tracker.connect() as conn:
        everyone = {c.sender_id for c in list_conversations(conn).items}
        assert everyone == {"nul", "lone", "low", "emoji"}
        for filters in ({"text": "shoes"}, {"text": "after"}, {"intent": "greet"}, {"confidence_below": 0.5},
                        {"fallback": True}, {"handoff": False}):
            list_conversations(conn, filters=ConversationFilters(**filters))  # never raises
        found = [c.sender_id for c in list_conversations(conn, filters=ConversationFilters(text="👟")).items]
    assert found == ["emoji"]  # a surrogate pair is read like any text


def test_analytics_and_history_answer(tracker):
    with tracker.connect() as conn:
        totals = conversation_totals(conn, period=PERIOD)
        top = {t.intent: t.messages for t in top_intents(conn, period=PERIOD)}
        lowest_confidence_intents(conn, period=PERIOD, min_messages=1)
        history = chat_messages(conn, sender_id="nul")
    assert totals.conversations == 4 and top == {"greet": 3, "product_search": 1}
    assert [m.text for m in history] == ["before\x00after"]
