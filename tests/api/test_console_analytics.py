"""The analytics page and its JSON route in the console (a hand-made tracker store, no Rasa)."""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, delete, insert

from bot.db import session_scope
from bot.models import ConversationRating
from bot.transcripts.store import get_tracker_engine, metadata
from tests.api.console_helpers import logged_in as _logged_in
from tests.bot.tracker_events import publish

TODAY = datetime.now(ZoneInfo("Europe/Berlin")).date()


@pytest.fixture(autouse=True)
def tracker(monkeypatch, tmp_path):
    """A tracker store with two conversations from a minute ago: one greeting, one fallback."""
    path = tmp_path / "tracker.db"
    engine = create_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    now = time.time() - 60
    rows = []
    for sender, intent, confidence, at in (("a", "greet", 0.9, now), ("a", "goodbye", 0.8, now + 1),
                                           ("b", "nlu_fallback", 0.45, now + 2)):
        data = {"text": "typed", "parse_data": {"intent": {"name": intent, "confidence": confidence},
                                                 "intent_ranking": [{"name": intent, "confidence": confidence}]}}
        rows.append({"sender_id": f"{sender}-{path.parent.name}", "type_name": "user", "timestamp": at,
                     "intent_name": intent, "action_name": None, "data": json.dumps(data)})
    with engine.begin() as conn:
        conn.execute(insert(metadata.tables["events"]), rows)
        publish(conn, rows)  # as Rasa's event broker and the summary feed would
    engine.dispose()
    monkeypatch.setenv("SHOP_TRACKER_DB", str(path))
    get_tracker_engine.cache_clear()
    yield path
    get_tracker_engine.cache_clear()


@pytest.fixture
def rated():
    sender = f"rated-{uuid.uuid4().hex[:8]}"
    with session_scope() as session:
        session.add(ConversationRating(sender_id=sender, rating=4))
    yield sender
    with session_scope() as session:
        session.execute(delete(ConversationRating).where(ConversationRating.sender_id == sender))


def _cells(page: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table class="table" id="{table_id}">(.*?)</table>', page, re.S).group(1)
    body = table.split("<tbody>")[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)] for r in rows]


def test_agents_see_the_dashboard_with_its_figures_in_tables(client, staff, rated):
    _logged_in(client, staff("agent"))
    page = client.get("/console/analytics")
    assert page.status_code == 200
    text = page.text
    assert 'href="/console/analytics" aria-current="page"' in text
    assert "<script" in text and "<script>" not in text and "style=" not in text and "<style" not in text
    assert '<script src="/static/vendor/chartjs/chart.umd.min.js" defer></script>' in text
    assert f'data-source="/api/console/analytics?from={(TODAY - timedelta(days=29)).isoformat()}&amp;to={TODAY.isoformat()}"' in text
    assert 'id="sum-conversations">2<' in text
    assert _cells(text, "table-containment") == [
        ["Conversations", "2"], ["Resolved without a person", "2"], ["Handed to a person", "0"],
        ["Containment rate", "100.0 %"]]
    assert _cells(text, "table-fallback") == [["Conversations", "1", "2", "50.0 %"],
                                              ["Visitor messages", "1", "3", "33.3 %"]]
    assert _cells(text, "table-intents") == [["goodbye", "1"], ["greet", "1"], ["nlu_fallback", "1"]]
    ratings = _cells(text, "table-ratings")
    assert [r[0] for r in ratings] == ["1", "2", "3", "4", "5"] and int(ratings[3][1]) >= 1  # ours is a 4
    per_day = _cells(text, "table-per-day")
    assert len(per_day) == 30 and per_day[-1][1] == "2"


def test_the_json_route_gives_the_same_figures(client, staff):
    _logged_in(client, staff("agent"))
    data = client.get("/api/console/analytics", params={"days": 7}).json()
    assert data["period"]["from"] == (TODAY - timedelta(days=6)).isoformat() and data["period"]["to"] == TODAY.isoformat()
    assert data["period"]["timezone"] == "Europe/Berlin"
    assert data["conversations"] == 2 and len(data["per_day"]) == 7 and data["per_day"][-1]["conversations"] == 2
    assert data["containment"] == {"conversations": 2, "handed_over": 0, "contained": 2, "rate": 1.0}
    assert data["fallback"]["conversations"] == 1 and data["fallback"]["messages"] == 1
    assert [r["intent"] for r in data["top_intents"]] == ["goodbye", "greet", "nlu_fallback"]
    assert [r["stars"] for r in data["ratings"]["distribution"]] == [1, 2, 3, 4, 5]
    assert {r["reason"] for r in data["handoff_reasons"]} == {"asked", "fallback", "late_parcel", "other"}
    assert set(data["unmet"]) == {"searches", "no_results", "out_of_stock", "top"}


def test_a_chosen_period_is_used_and_a_bad_one_refused(client, staff):
    _logged_in(client, staff("agent"))
    old = client.get("/api/console/analytics", params={"from": "2001-02-01", "to": "2001-02-03"}).json()
    assert old["conversations"] == 0 and [d["day"] for d in old["per_day"]] == ["2001-02-01", "2001-02-02", "2001-02-03"]
    for params in ({"from": "2001-02-03", "to": "2001-02-01"}, {"from": "yesterday"}, {"from": "2000-01-01", "to": "2002-01-01"}):
        refused = client.get("/api/console/analytics", params=params)
        assert refused.status_code == 422 and refused.json()["error"], params
    page = client.get("/console/analytics", params={"from": "2001-02-03", "to": "2001-02-01"})
    assert page.status_code == 400 and "the period ends before it starts" in page.text
    assert 'id="period-from" name="from" value="' in page.text
    preset = client.get("/console/analytics", params={"days": 7}).text
    assert 'href="/console/analytics?days=7" aria-current="true"' in preset
    assert f'value="{(TODAY - timedelta(days=6)).isoformat()}"' in preset


def test_the_vendored_chart_library_and_the_page_script_are_served(client):
    lib = client.get("/static/vendor/chartjs/chart.umd.min.js")
    assert lib.status_code == 200 and "javascript" in lib.headers["content-type"] and "Chart.js v4" in lib.text[:200]
    script = client.get("/static/console/analytics.js")
    assert script.status_code == 200 and "data-source" not in script.text.split("\n")[0]
    assert client.get("/static/vendor/chartjs/LICENSE.md").status_code == 200


def test_anonymous_visitors_are_sent_to_the_login(client):
    assert client.get("/api/console/analytics").status_code == 401
    page = client.get("/console/analytics?days=7", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/console/login?next=%2Fconsole%2Fanalytics%3Fdays%3D7"
