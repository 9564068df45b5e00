"""The console's live handoff at the gateway, with a stand-in for Rasa's HTTP API that stores
what it is sent in a tracker-store table, as Rasa does. (The real Rasa: tests/e2e/test_live_handoff.py.)"""

from __future__ import annotations

import json
import re
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete

from api.relay import LOOKUP_UNAVAILABLE
from bot.conversation_refs import conversation_ref
from bot.db import session_scope
from bot.handoff import request_handoff
from bot.handoff_sessions import get_live_handoff
from bot.models import HandoffRequest
from bot.seed import DEMO_ORDERS
from bot.transcripts.store import get_tracker_engine, metadata
from tests.api.console_helpers import logged_in as _logged_in
from tests.api.fake_rasa import FakeRasa

LATE_ORDER = DEMO_ORDERS[3]  # 100004: shipped with UPS and late


@pytest.fixture
def app_client(console, monkeypatch, tmp_path):
    monkeypatch.setenv("SHOP_TRACKER_DB", str(tmp_path / "tracker.db"))
    monkeypatch.setenv("SHOP_TRACKER_URL", "")
    client = console()
    get_tracker_engine.cache_clear()
    metadata.create_all(get_tracker_engine())
    fake = FakeRasa()
    client.app.state.rasa._http = httpx.AsyncClient(transport=httpx.MockTransport(fake.handle))
    frames: list[tuple[str, dict]] = []
    hub = client.app.state.hub
    publish = hub.publish
    monkeypatch.setattr(hub, "publish", lambda sid, frame: (frames.append((sid, frame)), publish(sid, frame))[1])
    client.fake, client.frames = fake, frames
    yield client
    get_tracker_engine().dispose()
    get_tracker_engine.cache_clear()


@pytest.fixture
def visitor(app_client):
    """``visitor(order=...)`` starts a widget session that asked for a person; returns (sid, request id)."""
    made: list[str] = []

    def start(order: str | None = None) -> tuple[str, int]:
        sid = app_client.post("/api/sessions").json()["session_id"]
        with session_scope() as session:
            request_id = request_handoff(session, sender_id=sid, reason="asked", verified_order_number=order).id
        made.append(sid)
        return sid, request_id

    yield start
    with session_scope() as session:
        session.execute(delete(HandoffRequest).where(HandoffRequest.sender_id.in_(made)))


def _post(client, csrf: str, path: str, **data) -> httpx.Response:
    return client.post(path, data=data, headers={"X-CSRF-Token": csrf})


def _texts(client, sid: str) -> list[tuple[str, str | None, str]]:
    body = client.get(f"/api/sessions/{sid}/messages").json()
    return [(m["from"], m["agent_name"], m["text"]) for m in body["messages"]]


def test_the_queue_lists_open_requests_with_the_verified_order(app_client, staff, visitor):
    first_sid, first = visitor(order=LATE_ORDER["number"])
    _, second = visitor()
    csrf = _logged_in(app_client, staff("agent"))
    queue = app_client.get("/api/console/live/queue").json()
    ids = [e["id"] for e in queue["entries"]]
    assert ids.index(first) < ids.index(second) and queue["waiting"] >= 2
    entry = next(e for e in queue["entries"] if e["id"] == first)
    assert entry["visitor"] == conversation_ref(first_sid)
    assert first_sid not in json.dumps(queue) and first_sid[:8] not in json.dumps(queue)
    assert (entry["status"], entry["reason"], entry["url"]) == ("waiting", "asked", f"/console/live/{first}")
    # Waiting: a preview. The order is only said to be verified; its details go to whoever takes the chat.
    assert entry["access"] == "preview" and entry["order_verified"] and entry["verified_order"] is None
    assert LATE_ORDER["number"] not in json.dumps(queue) and LATE_ORDER["email"] not in json.dumps(queue)
    assert _post(app_client, csrf, f"/api/console/live/{first}/take").status_code == 200
    mine = next(e for e in app_client.get("/api/console/live/queue").json()["entries"] if e["id"] == first)
    order = mine["verified_order"]
    assert mine["access"] == "full" and order["number"] == LATE_ORDER["number"]
    assert order["customer_email"] == LATE_ORDER["email"] and order["late"] and order["customer_name"] and order["items"]

    page = app_client.get("/console/live")
    assert page.status_code == 200
    assert 'href="/console/live" aria-current="page"' in page.text and 'id="live-count"' in page.text
    assert f'href="/console/live/{first}"' in page.text and f"order #{LATE_ORDER['number']}" in page.text
    assert '<script src="/static/console/live-queue.js" defer></script>' in page.text
    assert "style=" not in page.text and "<style" not in page.text
    assert re.findall(r"<script(?![^>]*\ssrc=)", page.text) == []  # no inline script
    assert app_client.get("/static/console/live-queue.js").status_code == 200
    assert 'href="/console/live"' in app_client.get("/console").text  # the nav link is on every page


def test_the_chat_page_shows_the_transcript_and_the_customer(app_client, staff, visitor):
    sid, request_id = visitor(order=LATE_ORDER["number"])
    app_client.fake._store(sid, {"event": "user", "text": "<b>where</b> is my parcel?", "metadata": {}})
    app_client.fake._store(sid, {"event": "bot", "text": "I've asked a colleague to join.", "metadata": {}})
    csrf = _logged_in(app_client, staff("agent"))
    page = app_client.get(f"/console/live/{request_id}")
    assert page.status_code == 200
    assert "&lt;b&gt;where&lt;/b&gt; is my parcel?" in page.text and "I&#39;ve asked a colleague" in page.text
    assert LATE_ORDER["email"] not in page.text and 'data-testid="live-preview"' in page.text  # not taken yet
    assert re.search(r'data-testid="take"\s*>', page.text)  # shown: the request waits
    assert re.search(r'data-testid="reply-form"\s+hidden', page.text)
    assert _post(app_client, csrf, f"/api/console/live/{request_id}/take").status_code == 200
    page = app_client.get(f"/console/live/{request_id}")
    assert LATE_ORDER["email"] in page.text and f"#{LATE_ORDER['number']}, shipped" in page.text
    assert 'class="late"' in page.text and 'data-access="full"' in page.text
    assert '<script src="/static/console/live-chat.js" defer></script>' in page.text
    assert "style=" not in page.text and re.findall(r"<script(?![^>]*\ssrc=)", page.text) == []
    assert app_client.get("/console/live/999999999").status_code == 404


def test_take_reply_and_hand_back_reach_the_visitors_chat(app_client, staff, visitor):
    sid, request_id = visitor()
    anna = staff("agent", name="Anna Berg")
    csrf = _logged_in(app_client, anna)
    fake, base = app_client.fake, f"/api/console/live/{request_id}"

    taken = _post(app_client, csrf, f"{base}/take")
    assert taken.status_code == 200, taken.text
    assert (taken.json()["status"], taken.json()["taken_by"], taken.json()["state"]) == ("taken", "Anna Berg",
                                                                                          "taken:Anna Berg")
    assert fake.appended == [(sid, [
        {"event": "pause"},
        {"event": "bot", "text": "Anna from our support team joined the chat.", "metadata": {"sender": "system"}},
    ])]
    assert (sid, {"type": "wake"}) in app_client.frames

    assert _post(app_client, csrf, f"{base}/reply", text="   ").status_code == 422
    replied = _post(app_client, csrf, f"{base}/reply", text="Hi, I'm looking at your order now.")
    assert replied.status_code == 200
    assert fake.appended[-1] == (sid, [{"event": "bot", "text": "Hi, I'm looking at your order now.",
                                        "metadata": {"sender": "agent", "agent_name": "Anna"}}])
    assert _post(app_client, csrf, f"{base}/typing", on="1").status_code == 204
    assert app_client.frames[-1] == (sid, {"type": "typing", "from": "agent", "on": True})

    # The visitor writes: stored for Anna (understood by NLU, with its metadata), never sent to be answered.
    sent = app_client.post(f"/api/sessions/{sid}/messages", json={"text": "thanks!", "client_id": "c-1"})
    assert sent.status_code == 200
    assert [(m["from"], m["text"]) for m in sent.json()["messages"]] == [("visitor", "thanks!")]
    stored = fake.appended[-1]
    assert stored[0] == sid and [(e["event"], e["text"], e["metadata"]["client_id"], e["parse_data"]["intent"]["name"])
                                 for e in stored[1]] == [("user", "thanks!", "c-1", "thank")]
    assert stored[1][0]["metadata"]["source"].startswith("ip-")  # the gateway's stamp, for the throttles
    again_sent = app_client.post(f"/api/sessions/{sid}/messages", json={"text": "thanks!", "client_id": "c-1"})
    assert again_sent.json()["messages"] == sent.json()["messages"] and fake.appended[-1] is stored  # a retry

    back = _post(app_client, csrf, f"{base}/hand-back")
    assert back.status_code == 200 and back.json()["status"] == "closed"
    assert fake.appended[-1] == (sid, [
        {"event": "bot", "text": "Anna left the chat. The assistant is back — ask me anything.",
         "metadata": {"sender": "system"}},
        {"event": "resume"},
    ])
    assert _texts(app_client, sid) == [
        ("system", None, "Anna from our support team joined the chat."),
        ("agent", "Anna", "Hi, I'm looking at your order now."),
        ("visitor", None, "thanks!"),
        ("system", None, "Anna left the chat. The assistant is back — ask me anything."),
    ]
    # Handed back, an empty answer from Rasa is a failure again and the visitor is told.
    again = app_client.post(f"/api/sessions/{sid}/messages", json={"text": "hello?"})
    assert [m["text"] for m in again.json()["messages"]][-1] == LOOKUP_UNAVAILABLE
    assert _post(app_client, csrf, f"{base}/reply", text="still there?").status_code == 409


def test_a_second_agent_is_refused_with_the_name_of_the_first(app_client, staff, visitor):
    _, request_id = visitor()
    csrf_anna = _logged_in(app_client, staff("agent", name="Anna Berg"))
    base = f"/api/console/live/{request_id}"
    assert _post(app_client, csrf_anna, f"{base}/take").status_code == 200
    # Ben, on the same gateway, logged in as himself.
    ben_client = app_client
    ben_client.cookies.clear()
    csrf_ben = _logged_in(ben_client, staff("agent", name="Ben Okafor"))
    refused = _post(ben_client, csrf_ben, f"{base}/take")
    assert refused.status_code == 409 and refused.json() == {"error": "already taken by Anna Berg"}
    assert _post(ben_client, csrf_ben, f"{base}/reply", text="hi").status_code == 403
    refused_back = _post(ben_client, csrf_ben, f"{base}/hand-back")
    assert refused_back.json() == {"error": "Anna Berg is handling this conversation"}
    assert len(app_client.fake.appended) == 1  # only Anna's take reached Rasa


def test_an_admin_may_hand_back_an_agents_chat(app_client, staff, visitor):
    sid, request_id = visitor()
    base = f"/api/console/live/{request_id}"
    csrf = _logged_in(app_client, staff("agent", name="Anna Berg"))
    assert _post(app_client, csrf, f"{base}/take").status_code == 200
    app_client.cookies.clear()
    csrf = _logged_in(app_client, staff("admin", name="Ada Admin"))
    page = app_client.get(f"/console/live/{request_id}").text
    assert re.search(r'data-testid="hand-back-other"\s*>', page)  # shown to an admin, not hidden
    back = _post(app_client, csrf, f"{base}/hand-back")
    assert back.status_code == 200 and back.json()["taken_by"] == "Anna Berg"
    assert app_client.fake.appended[-1][1][0]["text"].startswith("Anna left the chat.")


def test_without_rasa_nothing_is_half_done(app_client, staff, visitor):
    _, request_id = visitor()
    csrf = _logged_in(app_client, staff("agent", name="Anna Berg"))
    base = f"/api/console/live/{request_id}"
    app_client.fake.down = True
    refused = _post(app_client, csrf, f"{base}/take")
    assert refused.status_code == 503 and "was not taken" in refused.json()["error"]
    with session_scope() as session:
        assert get_live_handoff(session, handoff_id=request_id).status == "waiting"
    app_client.fake.down = False
    assert _post(app_client, csrf, f"{base}/take").status_code == 200
    app_client.fake.down = True
    assert _post(app_client, csrf, f"{base}/reply", text="hello").status_code == 503
    stuck = _post(app_client, csrf, f"{base}/hand-back")
    assert stuck.status_code == 503 and "still yours" in stuck.json()["error"]
    with session_scope() as session:
        live = get_live_handoff(session, handoff_id=request_id)
        assert (live.status, live.taken_by, live.closed_at) == ("taken", "Anna Berg", None)


def test_closing_a_waiting_request_tells_the_visitor(app_client, staff, visitor):
    sid, request_id = visitor()
    csrf = _logged_in(app_client, staff("agent"))
    closed = _post(app_client, csrf, f"/api/console/live/{request_id}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert app_client.fake.appended == [(sid, [{"event": "bot", "text": app_client.fake.appended[0][1][0]["text"],
                                                "metadata": {"sender": "system"}}])]
    assert "could not join" in app_client.fake.appended[0][1][0]["text"]
    assert _post(app_client, csrf, f"/api/console/live/{request_id}/take").status_code == 409


def test_writes_need_the_csrf_token(app_client, staff, visitor):
    _, request_id = visitor()
    _logged_in(app_client, staff("agent"))
    for action in ("take", "reply", "hand-back", "close", "typing"):
        response = app_client.post(f"/api/console/live/{request_id}/{action}", data={"text": "x"})
        assert response.status_code == 403, action
    assert app_client.fake.appended == []


def test_the_long_poll_returns_news_at_once_and_otherwise_waits(app_client, staff, visitor):
    sid, request_id = visitor()
    csrf = _logged_in(app_client, staff("agent", name="Anna Berg"))
    url = f"/api/console/live/{request_id}/messages"
    first = app_client.get(url).json()
    assert first["messages"] == [] and first["handoff"]["state"] == "waiting:" and first["waiting"] >= 1

    started = time.monotonic()
    idle = app_client.get(url, params={"after": first["last_seq"], "wait": 1, "state": "waiting:"}).json()
    assert idle["messages"] == [] and time.monotonic() - started >= 0.9

    result: dict = {}

    def poll() -> None:
        result["body"] = app_client.get(url, params={"after": 0, "wait": 20, "state": "waiting:"}).json()
        result["at"] = time.monotonic()

    waiter = threading.Thread(target=poll)
    waiter.start()
    time.sleep(0.5)
    sent_at = time.monotonic()
    assert _post(app_client, csrf, f"/api/console/live/{request_id}/take").status_code == 200
    waiter.join(timeout=20)
    body = result["body"]
    assert result["at"] - sent_at < 3  # woken, not the 20 s timeout
    assert body["handoff"]["state"] == "taken:Anna Berg"
    assert [(m["from"], m["text"]) for m in body["messages"]] == [
        ("system", "Anna from our support team joined the chat.")]
    # A state the page no longer has comes back at once, even without new messages.
    stale = app_client.get(url, params={"after": body["last_seq"], "wait": 20, "state": "waiting:"}).json()
    assert stale["messages"] == [] and stale["handoff"]["status"] == "taken"
    assert app_client.get(url, params={"wait": 26}).status_code == 422
    assert sid not in json.dumps(body)


def test_only_the_holder_reads_the_chat_unmasked_and_nobody_reads_a_closed_one(app_client, staff, visitor):
    sid, request_id = visitor(order=LATE_ORDER["number"])
    secret = "it's order 100004, mail noah.miller@example.com, ring +49 30 1234567, 12 Baker Street"
    app_client.fake._store(sid, {"event": "user", "text": secret, "metadata": {}})
    url, chat = f"/api/console/live/{request_id}/messages", f"/console/live/{request_id}"
    # Ben: a second browser on the same gateway (no lifespan of its own, so the same stand-in Rasa).
    anna, ben = app_client, TestClient(app_client.app, base_url="https://testserver")
    anna_csrf = _logged_in(anna, staff("agent", name="Anna Berg"))
    _logged_in(ben, staff("agent", name="Ben Holt"))

    def visitor_text(client) -> str:
        body = client.get(url).json()
        return next(m["text"] for m in body["messages"] if m["from"] == "visitor"), body["handoff"]

    # Waiting: everyone gets a masked preview (enough to decide whether to take it).
    text, handoff = visitor_text(ben)
    assert text == "it's order «order no.», mail «email», ring «phone», «address»" and handoff["access"] == "preview"
    assert handoff["verified_order"] is None and handoff["order_verified"]
    assert _post(anna, anna_csrf, f"/api/console/live/{request_id}/take").status_code == 200
    # Taken: the holder reads it all, another agent still only the preview.
    text, handoff = visitor_text(anna)
    assert text == secret and handoff["access"] == "full" and handoff["verified_order"]["number"] == "100004"
    text, handoff = visitor_text(ben)
    assert "100004" not in text and handoff["access"] == "preview" and "noah" not in json.dumps(handoff)
    assert "noah.miller" not in ben.get(chat).text and "noah.miller" in anna.get(chat).text
    # Closed: no live transcript for anyone; the review page (masked for agents) is the way to read it.
    assert _post(anna, anna_csrf, f"/api/console/live/{request_id}/hand-back").status_code == 200
    for client in (anna, ben):
        body = client.get(url).json()
        assert body["messages"] == [] and body["handoff"]["access"] == "none"
        assert body["handoff"]["review_url"] == f"/console/conversations/{conversation_ref(sid)}"
        page = client.get(chat).text
        assert "noah.miller" not in page and "100004" not in page and 'data-testid="live-closed"' in page


def test_the_agent_holding_the_chat_sees_the_verified_customers_segment(app_client, staff, visitor):
    from sqlalchemy import select

    from bot.models import Order
    from bot.segments import customer_segment, refresh_segments

    with session_scope() as session:
        refresh_segments(session)
        customer_id = session.scalar(select(Order.customer_id).where(Order.number == LATE_ORDER["number"]))
        expected = customer_segment(session, customer_id=customer_id)
    assert expected is not None
    _, handoff = visitor(order=LATE_ORDER["number"])
    csrf = _logged_in(app_client, staff("agent"))
    assert _post(app_client, csrf, f"/api/console/live/{handoff}/take").status_code == 200
    mine = next(e for e in app_client.get("/api/console/live/queue").json()["entries"] if e["id"] == handoff)
    assert mine["verified_order"]["segment"].startswith(
        f"{expected.segment} (R{expected.r_score} F{expected.f_score} M{expected.m_score}")
    page = app_client.get(f"/console/live/{handoff}")
    shown = re.search(r'data-testid="customer-segment">([^<]*)<', page.text).group(1)
    assert expected.segment.replace("'", "&#39;") in shown
