"""One tracker row that is not valid JSON must not break the console for everyone (SQLite and PostgreSQL).

Before the tracker store wrote strict JSON, `/greet{"brand":1e999}` stored an
entity value as the bare token Infinity; from then on the conversation list
(any filter), the analytics page and its JSON answered 500.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from sqlalchemy import delete

from bot.db import make_engine, session_scope
from bot.models import ConversationReview
from bot.settings import get_settings
from bot.transcripts.store import get_tracker_engine, metadata
from tests.api.console_helpers import logged_in
from tests.bot.tracker_events import TrackerWriter
from tests.postgres import fresh_postgres_database

LIST_FILTERS = [
    {}, {"q": "sneakers"}, {"q": "1e999"}, {"intent": "greet"}, {"fallback": "yes"}, {"fallback": "no"},
    {"below": "0.5"}, {"handoff": "yes"}, {"handoff": "no"}, {"reviewed": "no"}, {"reviewed": "yes"},
    {"since": "2000-01-01", "until": "2100-01-01"}, {"tag": "late parcel"},
]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def tracker(request, tmp_path, monkeypatch) -> Iterator[dict[str, str]]:
    """Two ordinary conversations and one with rows as the old store wrote them for 1e999 and NaN."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            monkeypatch.setenv("SHOP_TRACKER_DB", str(tmp_path / "tracker.db"))
            monkeypatch.delenv("SHOP_TRACKER_URL", raising=False)
            url = f"sqlite:///{tmp_path / 'tracker.db'}"
        else:
            url = stack.enter_context(fresh_postgres_database())
            monkeypatch.setenv("SHOP_TRACKER_URL", url)
        engine = make_engine(url)
        metadata.create_all(engine)
        ids = {name: f"bad-rows-{name}-{uuid.uuid4().hex[:8]}" for name in ("order", "shoes", "odd")}
        with engine.begin() as conn:
            w = TrackerWriter(conn, start=time.time() - 3600)
            w.session(ids["order"]).user(ids["order"], "where is my order", "order_status", 0.41)
            w.action(ids["order"], "action_order_status").bot(ids["order"], "Order 100001 has shipped.")
            w.session(ids["shoes"]).user(ids["shoes"], "red sneakers", "product_search", 0.97)
            w.session(ids["odd"]).user(ids["odd"], '/greet{"brand":1e999}', "greet", 1.0,
                                      entities=[{"entity": "brand", "value": float("inf")}])
            w.slot(ids["odd"], "order_number", float("nan"))
            w.bot(ids["odd"], "Hi! How can I help?")
            w.write()
        engine.dispose()
        get_settings.cache_clear()
        get_tracker_engine.cache_clear()
        yield ids
        get_tracker_engine().dispose()  # before the PostgreSQL database is dropped
        get_tracker_engine.cache_clear()
        with session_scope() as session:
            session.execute(delete(ConversationReview).where(ConversationReview.sender_id.in_(ids.values())))
    get_settings.cache_clear()


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="(/console/conversations/[^"/?#]+)"', html))


@pytest.mark.parametrize("role", ["admin", "agent"])
def test_every_list_filter_answers_with_the_other_conversations(console, staff, tracker, role):
    client = console()
    logged_in(client, staff(role))
    everything = client.get("/console/conversations")
    assert everything.status_code == 200
    assert len(_links(everything.text)) == 3  # the bad conversation is listed too
    for params in LIST_FILTERS:
        response = client.get("/console/conversations", params=params)
        assert response.status_code == 200, params
    assert len(_links(client.get("/console/conversations", params={"q": "sneakers"}).text)) == 1
    assert len(_links(client.get("/console/conversations", params={"below": "0.5"}).text)) == 1


def test_each_transcript_and_its_exports_open(console, staff, tracker):
    client = console()
    logged_in(client, staff("admin"))
    links = _links(client.get("/console/conversations").text)
    for link in links:
        page = client.get(link)
        assert page.status_code == 200, link
        for export in ("data.json", "story.yml", "nlu.yml"):
            assert client.get(f"{link}/{export}").status_code == 200, (link, export)
    odd = [link for link in links if "1e999" in client.get(link).text]
    assert len(odd) == 1
    data = client.get(f"{odd[0]}/data.json")
    assert "Infinity" in data.text and data.json()  # read as the string the store now writes


def test_the_analytics_page_and_json_count_every_conversation(console, staff, tracker):
    client = console()
    logged_in(client, staff("agent"))
    assert client.get("/console/analytics", params={"days": 7}).status_code == 200
    response = client.get("/api/console/analytics", params={"days": 7})
    assert response.status_code == 200
    assert response.json()["conversations"] == 3
