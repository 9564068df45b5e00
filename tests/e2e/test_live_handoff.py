"""Live handoff through the real gateway, Rasa and action server: a visitor asks for a person,
an agent takes the chat from the console, answers in the visitor's open widget connection,
the bot stays silent meanwhile, and answers again once the agent hands the chat back."""

from __future__ import annotations

import json
import threading
import time
import uuid

import httpx
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session
from websockets.sync.client import connect

from bot.conversation_refs import conversation_ref
from bot.models import HandoffRequest
from bot.seed import DEMO_ORDERS
from tests.e2e.agents import AgentHttp, create_agent

pytestmark = pytest.mark.e2e

LATE = next(o for o in DEMO_ORDERS if o["number"] == "100004")
JOINED = "Anna from our support team joined the chat."
LEFT = "Anna left the chat. The assistant is back — ask me anything."


@pytest.fixture(scope="module")
def shop(sqlite_stack):
    return sqlite_stack


@pytest.fixture(scope="module")
def anna(shop) -> AgentHttp:
    return AgentHttp.login(shop, create_agent(shop, name="Anna Berg"))


def _send(shop, sid: str, text_: str) -> dict:
    response = httpx.post(f"{shop.api_url}/api/sessions/{sid}/messages",
                          json={"text": text_, "client_id": uuid.uuid4().hex}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def _pushed(ws, until, timeout: float = 20.0) -> list[dict]:
    """Messages pushed to the widget's socket until ``until(messages)`` holds."""
    messages: list[dict] = []
    deadline = time.monotonic() + timeout
    while not until(messages):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"the widget was not pushed what was expected; got {messages}")
        frame = json.loads(ws.recv(timeout=left))
        if frame["type"] == "message":
            messages.append(frame["message"])
    return messages


def _has(text_: str, sender: str):
    return lambda messages: any(m["from"] == sender and m["text"] == text_ for m in messages)


def test_an_agent_takes_the_chat_answers_live_and_hands_it_back(shop, anna):
    sid = httpx.post(f"{shop.api_url}/api/sessions", timeout=10).json()["session_id"]
    _send(shop, sid, "where is my order?")
    _send(shop, sid, LATE["number"])
    verified = _send(shop, sid, LATE["email"])
    assert "late" in " ".join(m["text"] or "" for m in verified["messages"]).lower()
    asked = _send(shop, sid, "I want to talk to a human")
    assert any("colleague" in (m["text"] or "") for m in asked["messages"]), asked

    # The request is in the console's queue, with the customer and order the visitor proved theirs.
    engine = create_engine(shop.shop_db_url)
    with Session(engine) as db:
        request_id = db.scalar(select(HandoffRequest.id).where(HandoffRequest.sender_id == sid))
    queue = anna.get("/api/console/live/queue").json()
    entry = next(e for e in queue["entries"] if e["id"] == request_id)
    ref = conversation_ref(sid, key=shop.secret_key)
    assert (entry["status"], entry["reason"], entry["visitor"]) == ("waiting", "late parcel", ref)
    # Waiting: a masked preview; the order's details go to whoever takes the chat.
    assert entry["access"] == "preview" and entry["order_verified"] and entry["verified_order"] is None
    assert sid not in json.dumps(queue) and LATE["email"] not in json.dumps(queue)
    page = anna.get(f"/console/live/{request_id}")
    assert page.status_code == 200 and LATE["email"] not in page.text and "I want to talk to a human" in page.text

    with connect(f"ws://127.0.0.1:{shop.api_port}/api/sessions/{sid}/ws?after={asked['last_seq']}",
                 open_timeout=10) as ws:
        # Anna takes the chat: the open widget is told at once.
        taken = anna.post(f"/api/console/live/{request_id}/take")
        assert taken.status_code == 200, taken.text
        assert taken.json()["state"] == "taken:Anna Berg"
        held = taken.json()["verified_order"]
        assert held["number"] == LATE["number"] and held["customer_email"] == LATE["email"] and held["late"]
        assert LATE["email"] in anna.get(f"/console/live/{request_id}").text
        _pushed(ws, _has(JOINED, "system"))

        reply = "Hi, I'm Anna. I've asked UPS to trace your parcel."
        assert anna.post(f"/api/console/live/{request_id}/reply", text=reply).status_code == 200
        pushed = _pushed(ws, _has(reply, "agent"))
        assert next(m for m in pushed if m["text"] == reply)["agent_name"] == "Anna"

        # The visitor writes: no bot answer, no error notice; Anna's long poll sees it at once.
        follow = anna.get(f"/api/console/live/{request_id}/messages").json()
        result: dict = {}

        def poll() -> None:
            result["body"] = anna.get(f"/api/console/live/{request_id}/messages",
                                      params={"after": follow["last_seq"], "wait": 25,
                                              "state": follow["handoff"]["state"]}).json()
            result["at"] = time.monotonic()

        waiter = threading.Thread(target=poll)
        waiter.start()
        time.sleep(1)
        sent_at = time.monotonic()
        during = _send(shop, sid, "thank you so much, that helps")
        waiter.join(timeout=40)
        assert [m["from"] for m in during["messages"]] == ["visitor"], during
        assert result["at"] - sent_at < 10
        assert [(m["from"], m["text"]) for m in result["body"]["messages"]] == [
            ("visitor", "thank you so much, that helps")]
        time.sleep(2)  # give a (wrongly) unpaused bot time to answer
        quiet = httpx.get(f"{shop.api_url}/api/sessions/{sid}/messages",
                          params={"after": during["last_seq"]}, timeout=10).json()
        assert quiet["messages"] == []

        # Anna hands back: the visitor is told, and the bot answers again.
        back = anna.post(f"/api/console/live/{request_id}/hand-back")
        assert back.status_code == 200 and back.json()["status"] == "closed"
        _pushed(ws, _has(LEFT, "system"))
    answered = _send(shop, sid, "what payment methods do you accept")
    assert [m["from"] for m in answered["messages"]][0] == "visitor"
    assert any(m["from"] == "bot" and m["text"] for m in answered["messages"][1:]), answered

    # The transcript keeps everything, in order.
    history = httpx.get(f"{shop.api_url}/api/sessions/{sid}/messages", timeout=10).json()["messages"]
    seqs = [m["seq"] for m in history]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    lines = [(m["from"], m["text"]) for m in history]
    expected = [("visitor", "I want to talk to a human"), ("system", JOINED), ("agent", reply),
                ("visitor", "thank you so much, that helps"), ("system", LEFT),
                ("visitor", "what payment methods do you accept")]
    positions = [lines.index(line) for line in expected]
    assert positions == sorted(positions), lines
    assert lines[positions[-1] + 1][0] == "bot"

    # Rasa stored the pause and the resume around the agent's part, and the visitor's message in between.
    tracker = create_engine(shop.tracker_url)
    with tracker.connect() as conn:
        rows = conn.execute(text("SELECT type_name, data FROM events WHERE sender_id = :s AND type_name IN "
                                 "('pause', 'resume', 'user') ORDER BY id"), {"s": sid}).all()
    tracker.dispose()
    kinds = [r.type_name for r in rows]
    assert kinds[-4:] == ["pause", "user", "resume", "user"], kinds
    paused_user = json.loads(rows[-3].data)
    assert paused_user["parse_data"]["intent"]["name"]  # still understood and stored, just not answered
    with Session(engine) as db:
        closed = db.get(HandoffRequest, request_id)
        assert (closed.status.value, closed.taken_by, closed.closed_at is not None) == ("closed", "Anna Berg", True)
    engine.dispose()


def _asks_for_a_person(shop, anna) -> tuple[str, int]:
    """A new widget session whose visitor asks for a person: its id and the queued request's id."""
    sid = httpx.post(f"{shop.api_url}/api/sessions", timeout=10).json()["session_id"]
    _send(shop, sid, "can I talk to a person please")
    ref = conversation_ref(sid, key=shop.secret_key)  # the queue names visitors by console ref only
    request_id = next(e["id"] for e in anna.get("/api/console/live/queue").json()["entries"] if e["visitor"] == ref)
    return sid, request_id


def test_a_second_agent_cannot_take_a_taken_chat(shop, anna):
    _sid, request_id = _asks_for_a_person(shop, anna)
    ben = AgentHttp.login(shop, create_agent(shop, name="Ben Okafor"))
    assert anna.post(f"/api/console/live/{request_id}/take").status_code == 200
    refused = ben.post(f"/api/console/live/{request_id}/take")
    assert refused.status_code == 409 and refused.json() == {"error": "already taken by Anna Berg"}
    assert ben.post(f"/api/console/live/{request_id}/reply", text="hello").status_code == 403
    assert anna.post(f"/api/console/live/{request_id}/hand-back").status_code == 200


def _visitor_away(shop, sid: str, hours: float) -> None:
    """Move the conversation's stored events back in time, as if the visitor had gone quiet."""
    seconds = hours * 3600
    tracker = create_engine(shop.tracker_url)
    with tracker.begin() as conn:
        conn.execute(text("UPDATE events SET timestamp = timestamp - :d, "
                          "data = json_set(data, '$.timestamp', json_extract(data, '$.timestamp') - :d) "
                          "WHERE sender_id = :s"), {"d": seconds, "s": sid})
    tracker.dispose()


def test_a_held_chat_stays_with_the_agent_through_session_expiry_and_restart(shop, anna):
    sid, request_id = _asks_for_a_person(shop, anna)
    assert anna.post(f"/api/console/live/{request_id}/take").status_code == 200

    # Longer than domain.yml's session_expiration_time: sent to Rasa's channel, the message
    # would start a new session, whose reset ends the pause. The gateway stores it instead.
    _visitor_away(shop, sid, hours=3)
    back = _send(shop, sid, "hello? are you still there?")
    assert [(m["from"], m["text"]) for m in back["messages"]] == [("visitor", "hello? are you still there?")], back
    # "/restart" would reset the tracker too: the gateway answers it with a notice and sends nothing on.
    restarted = _send(shop, sid, "/restart")
    assert [(m["from"], m["seq"]) for m in restarted["messages"]] == [("system", None)], restarted
    assert "aren't available" in restarted["messages"][0]["text"]
    # An integration on /api/chat is told why there is no answer, instead of "something went wrong".
    via_chat = shop.chat(sid, "anyone there?")
    assert via_chat.status_code == 200 and via_chat.json() == {"sender_id": sid, "messages": [], "with_agent": True}
    time.sleep(2)  # give a (wrongly) unpaused bot time to answer
    quiet = httpx.get(f"{shop.api_url}/api/sessions/{sid}/messages",
                      params={"after": restarted["last_seq"]}, timeout=10).json()
    assert [m["from"] for m in quiet["messages"]] == ["visitor"], quiet  # only "anyone there?"

    tracker = create_engine(shop.tracker_url)
    with tracker.connect() as conn:
        rows = conn.execute(text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sid}).all()
    tracker.dispose()
    kinds = [r.type_name for r in rows]
    after_pause = kinds[kinds.index("pause"):]
    assert after_pause == ["pause", "bot", "user", "user"], kinds  # joined note, two messages, no reset
    stored = json.loads(rows[-2].data)
    assert stored["parse_data"]["intent"]["name"] and stored["metadata"]["client_id"]  # understood, idempotent

    # Handed back, the bot answers again.
    assert anna.post(f"/api/console/live/{request_id}/hand-back").status_code == 200
    answered = _send(shop, sid, "do you ship to canada")
    assert any(m["from"] == "bot" and "Canada" in (m["text"] or "") for m in answered["messages"]), answered
