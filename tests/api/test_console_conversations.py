"""Console transcript pages against a hand-written tracker store (quick; tests/e2e has real Rasa ones)."""

from __future__ import annotations

import re
import uuid

import pytest
import yaml
from sqlalchemy import delete

from bot.db import make_engine, session_scope
from bot.models import ConversationDeletion, ConversationNote, ConversationReview, ConversationTag, NluCorrection
from bot.settings import get_settings
from bot.transcripts.store import get_tracker_engine, metadata
from tests.api.console_helpers import logged_in as _logged_in
from tests.bot.tracker_events import TrackerWriter


@pytest.fixture
def tracker(tmp_path, monkeypatch):
    """A tracker store file with two conversations, made the gateway's through SHOP_TRACKER_DB."""
    path = tmp_path / "tracker.db"
    monkeypatch.setenv("SHOP_TRACKER_DB", str(path))
    monkeypatch.delenv("SHOP_TRACKER_URL", raising=False)
    engine = make_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    ids = {"order": f"api-order-{uuid.uuid4().hex[:8]}", "shoes": f"api-shoes-{uuid.uuid4().hex[:8]}"}
    with engine.begin() as conn:
        w = TrackerWriter(conn)
        w.session(ids["order"]).user(ids["order"], "where is my order", "order_status", 0.91)
        w.action(ids["order"], "order_status_form").slot(ids["order"], "requested_slot", "order_number")
        w.user(ids["order"], "100001 emma.schmidt@example.com", "order_status", 0.41)
        w.action(ids["order"], "action_order_status").bot(ids["order"], "Order 100001 has shipped.")
        w.session(ids["shoes"]).user(ids["shoes"], "red sneakers", "product_search", 0.97)
        w.write()
    engine.dispose()
    get_settings.cache_clear()
    get_tracker_engine.cache_clear()
    yield ids
    get_tracker_engine.cache_clear()
    with session_scope() as session:
        for model in (ConversationReview, ConversationTag, ConversationNote, NluCorrection, ConversationDeletion):
            session.execute(delete(model).where(model.sender_id.in_(ids.values())))


def _user_event(client, sender: str, nth: int) -> int:
    page = client.get(f"/console/conversations/{sender}").text
    return [int(i) for i in re.findall(r'data-testid="visitor-message" data-event="(\d+)"', page)][nth]


def test_agents_see_masked_lists_and_transcripts_admins_see_everything(console, staff, tracker):
    agent, admin = console(), console()
    _logged_in(agent, staff("agent"))
    _logged_in(admin, staff("admin"))
    listing = agent.get("/console/conversations")
    assert listing.status_code == 200 and 'href="/console/conversations" aria-current="page"' in listing.text
    assert "«order no.» «email»" not in listing.text  # the snippet is the first message
    page = agent.get(f"/console/conversations/{tracker['order']}").text
    assert "100001" not in page and "emma.schmidt" not in page and "«order no.» «email»" in page
    assert "order_status_form" in page and "requested_slot" in page and "0.41" in page
    full = admin.get(f"/console/conversations/{tracker['order']}").text
    assert "100001 emma.schmidt@example.com" in full
    searched = agent.get("/console/conversations", params={"q": "100001"})
    assert searched.status_code == 400 and "agents cannot search" in searched.text.lower()
    low = agent.get("/console/conversations", params={"below": "0.5"}).text
    assert tracker["order"] in low and tracker["shoes"] not in low
    for path in ("/console/conversations", f"/console/conversations/{tracker['order']}"):
        text = agent.get(path).text
        assert "<script" not in text and "style=" not in text


def test_review_actions_need_csrf_and_show_up(client, staff, tracker):
    csrf = _logged_in(client, staff("agent"))
    base = f"/console/conversations/{tracker['order']}"
    assert client.post(base + "/reviewed", data={"reviewed": "1"}, follow_redirects=False).status_code == 403
    done = client.post(base + "/reviewed", data={"csrf_token": csrf, "reviewed": "1"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == base + "?done=reviewed#review"
    assert client.post(base + "/tags", data={"csrf_token": csrf, "tag": "Late Parcel"}).status_code == 200
    assert client.post(base + "/notes", data={"csrf_token": csrf, "text": "Called the carrier."}).status_code == 200
    bad = client.post(base + "/tags", data={"csrf_token": csrf, "tag": "<b>"})
    assert bad.status_code == 400 and "a tag may use" in bad.text.lower()
    page = client.get(base).text
    assert "Marked as reviewed" not in page and "Reviewed</span> by Test Agent" in page
    assert "late parcel" in page and "Called the carrier." in page
    assert tracker["order"] in client.get("/console/conversations", params={"reviewed": "yes"}).text
    tagged = client.get("/console/conversations", params={"tag": "late parcel", "reviewed": "no"}).text
    assert tracker["order"] not in tagged
    missing = client.post("/console/conversations/nobody-here/tags", data={"csrf_token": csrf, "tag": "x"})
    assert missing.status_code == 404


def test_agent_relabels_over_the_masked_text_and_exports_stand_ins(client, staff, tracker):
    csrf = _logged_in(client, staff("agent"))
    base = f"/console/conversations/{tracker['order']}"
    event = _user_event(client, tracker["order"], 1)
    markup = "[«order no.»](order_number) [«email»](email)"
    done = client.post(f"{base}/messages/{event}/relabel", data={"csrf_token": csrf, "intent": "inform",
                                                                  "markup": markup}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith(f"#m-{event}")
    wrong = client.post(f"{base}/messages/{event}/relabel", data={"csrf_token": csrf, "intent": "inform",
                                                                   "markup": "something else"})
    assert wrong.status_code == 400 and "must stay as they are" in wrong.text
    exported = client.get(f"{base}/nlu.yml")
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    assert yaml.safe_load(exported.text)["nlu"] == [
        {"intent": "inform", "examples": "- [123456](order_number) [customer@example.com](email)\n"}]
    assert "inform" in client.get("/console/corrections/nlu.yml").text
    story = yaml.safe_load(client.get(f"{base}/story.yml").text)
    assert {"action": "action_order_status"} in story["stories"][0]["steps"]
    for path in (f"{base}/data.json", f"{base}/delete"):
        assert client.get(path).status_code == 403
    assert client.post(f"{base}/delete", data={"csrf_token": csrf, "confirm": "yes"}).status_code == 403


def test_admin_exports_and_deletes_with_confirmation(client, staff, tracker):
    csrf = _logged_in(client, staff("admin"))
    base = f"/console/conversations/{tracker['order']}"
    client.post(base + "/notes", data={"csrf_token": csrf, "text": "private"})
    data = client.get(f"{base}/data.json")
    assert data.status_code == 200 and data.json()["notes"][0]["text"] == "private"
    assert len(data.json()["tracker_events"]) == 9
    confirm = client.get(f"{base}/delete")
    assert confirm.status_code == 200 and 'data-testid="delete-events">9<' in confirm.text
    unconfirmed = client.post(f"{base}/delete", data={"csrf_token": csrf})
    assert unconfirmed.status_code == 400 and client.get(base).status_code == 200
    deleted = client.post(f"{base}/delete", data={"csrf_token": csrf, "confirm": "yes"}, follow_redirects=False)
    assert deleted.status_code == 303 and deleted.headers["location"] == "/console/conversations?deleted=1"
    assert client.get(base).status_code == 404
    assert tracker["order"] in client.get("/console/deletions").text
    assert client.get(f"/console/conversations/{tracker['shoes']}").status_code == 200
