"""Console transcript pages against a hand-written tracker store (quick; tests/e2e has real Rasa ones)."""

from __future__ import annotations

import re
import time
import uuid

import pytest
import yaml
from sqlalchemy import delete

from bot.conversation_refs import conversation_ref
from bot.db import make_engine, session_scope
from bot.models import (
    ConversationDeletion,
    ConversationNote,
    ConversationRef,
    ConversationReview,
    ConversationTag,
    NluCorrection,
)
from bot.settings import get_settings
from bot.transcripts.store import get_tracker_engine, metadata
from tests.api.console_helpers import logged_in as _logged_in
from bot.summaries.tables import feeds
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
        for model in (ConversationReview, ConversationTag, ConversationNote, NluCorrection, ConversationDeletion,
                      ConversationRef):
            session.execute(delete(model).where(model.sender_id.in_(ids.values())))


def _base(client, sender: str) -> str:
    """The conversation's console URL, as the list links it (the list is what makes a ref resolvable)."""
    url = f"/console/conversations/{conversation_ref(sender)}"
    assert f'href="{url}"' in client.get("/console/conversations").text
    return url


def _user_event(client, sender: str, nth: int) -> int:
    page = client.get(_base(client, sender)).text
    return [int(i) for i in re.findall(r'data-testid="visitor-message" data-event="(\d+)"', page)][nth]


def test_agents_see_masked_lists_and_transcripts_admins_see_everything(console, staff, tracker):
    agent, admin = console(), console()
    _logged_in(agent, staff("agent"))
    _logged_in(admin, staff("admin"))
    listing = agent.get("/console/conversations")
    assert listing.status_code == 200 and 'href="/console/conversations" aria-current="page"' in listing.text
    assert "«order no.» «email»" not in listing.text  # the snippet is the first message
    page = agent.get(_base(agent, tracker["order"])).text
    assert "100001" not in page and "emma.schmidt" not in page and "«order no.» «email»" in page
    assert "order_status_form" in page and "requested_slot" in page and "0.41" in page
    full = admin.get(_base(admin, tracker["order"])).text
    assert "100001 emma.schmidt@example.com" in full
    searched = agent.get("/console/conversations", params={"q": "100001"})
    assert searched.status_code == 400 and "agents cannot search" in searched.text.lower()
    low = agent.get("/console/conversations", params={"below": "0.5"}).text
    assert conversation_ref(tracker["order"]) in low and conversation_ref(tracker["shoes"]) not in low
    for path in ("/console/conversations", _base(agent, tracker["order"])):
        text = agent.get(path).text
        assert "<script" not in text and "style=" not in text


def test_review_actions_need_csrf_and_show_up(client, staff, tracker):
    csrf = _logged_in(client, staff("agent"))
    base = _base(client, tracker["order"])
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
    assert base in client.get("/console/conversations", params={"reviewed": "yes"}).text
    tagged = client.get("/console/conversations", params={"tag": "late parcel", "reviewed": "no"}).text
    assert base not in tagged
    missing = client.post("/console/conversations/nobody-here/tags", data={"csrf_token": csrf, "tag": "x"})
    assert missing.status_code == 404


def test_agent_relabels_over_the_masked_text_and_exports_stand_ins(client, staff, tracker):
    csrf = _logged_in(client, staff("agent"))
    base = _base(client, tracker["order"])
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
    base = _base(client, tracker["order"])
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
    assert conversation_ref(tracker["order"]) in client.get("/console/deletions").text
    assert client.get(_base(client, tracker["shoes"])).status_code == 200


def _leaks(text: str, tracker: dict) -> list[str]:
    return [sid for sid in tracker.values() if sid in text or sid[:8] in text]


def test_console_pages_urls_and_exports_never_show_the_sender_id(client, staff, tracker):
    """The sender id is the visitor's bearer secret on the public API: the console names conversations by ref."""
    csrf = _logged_in(client, staff("admin"))
    listing = client.get("/console/conversations", params={"below": "0.5"})
    assert _leaks(listing.text, tracker) == []
    base = _base(client, tracker["order"])
    ref = base.rsplit("/", 1)[1]
    assert ref.startswith("c") and len(ref) == 21 and tracker["order"] not in base
    page = client.get(base)
    assert page.status_code == 200 and f'data-testid="conversation-ref">{ref}<' in page.text
    client.post(base + "/notes", data={"csrf_token": csrf, "text": "checked"})
    tagged = client.post(base + "/tags", data={"csrf_token": csrf, "tag": "late"}, follow_redirects=False)
    assert tagged.status_code == 303 and tagged.headers["location"].startswith(base + "?")
    downloads = [client.get(f"{base}/{name}") for name in ("nlu.yml", "story.yml", "data.json", "delete")]
    for response in [page, *downloads]:
        assert response.status_code == 200
        assert _leaks(response.text + response.headers.get("content-disposition", ""), tracker) == []
    assert downloads[2].json()["conversation"] == ref and len(downloads[2].json()["tracker_events"]) == 9
    assert ref in downloads[1].text and ref in downloads[2].headers["content-disposition"]
    deleted = client.post(f"{base}/delete", data={"csrf_token": csrf, "confirm": "yes"}, follow_redirects=False)
    assert deleted.status_code == 303
    audit = client.get("/console/deletions").text
    assert ref in audit and _leaks(audit, tracker) == []


def test_a_sender_id_or_an_unknown_ref_in_a_console_url_is_a_404(client, staff, tracker):
    csrf = _logged_in(client, staff("admin"))
    _base(client, tracker["order"])
    for name in (tracker["order"], conversation_ref("never-shown"), "c" + "a" * 20, "x" * 300):
        assert client.get(f"/console/conversations/{name}").status_code == 404
        assert client.get(f"/console/conversations/{name}/data.json").status_code == 404
        missing = client.post(f"/console/conversations/{name}/notes", data={"csrf_token": csrf, "text": "x"})
        assert missing.status_code == 404


def test_a_huge_event_id_in_relabel_is_a_4xx(client, staff, tracker):
    csrf = _logged_in(client, staff("agent"))
    base = _base(client, tracker["order"])
    for bad in (str(2**63), "-1"):
        answer = client.post(f"{base}/messages/{bad}/relabel", data={"csrf_token": csrf, "intent": "inform"})
        assert answer.status_code == 422


def test_the_list_says_when_its_feed_has_fallen_silent(console, staff, tracker):
    agent = console()
    _logged_in(agent, staff("agent"))
    assert "This list may be behind" not in agent.get("/console/conversations").text  # a feed reported just now
    with get_tracker_engine().begin() as conn:
        conn.execute(feeds.update().values(alive_at=time.time() - 3600))
    stale = agent.get("/console/conversations").text
    assert "This list may be behind" in stale and "last reported at" in stale and "bot.summaries follow" in stale
    with get_tracker_engine().begin() as conn:
        conn.execute(feeds.delete())
    assert "has not run yet" in agent.get("/console/conversations").text
