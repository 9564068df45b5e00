"""The widget's protocol through the real gateway, Rasa and action server:
sessions, history from the tracker store, idempotent sends, WebSocket pushes, long polls."""

from __future__ import annotations

import json
import threading
import time
import uuid
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import create_engine, select, text
from websockets.sync.client import connect

from bot.formatting import money
from bot.models import Product

pytestmark = pytest.mark.e2e


def _new_session(stack) -> str:
    response = httpx.post(f"{stack.api_url}/api/sessions", timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["session_id"]


def _send(stack, sid: str, text_: str, **extra) -> dict:
    body = {"text": text_, "client_id": uuid.uuid4().hex, **extra}
    response = httpx.post(f"{stack.api_url}/api/sessions/{sid}/messages", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def _history(stack, sid: str, after: int = 0, wait: int = 0) -> dict:
    response = httpx.get(f"{stack.api_url}/api/sessions/{sid}/messages", params={"after": after, "wait": wait}, timeout=40)
    assert response.status_code == 200, response.text
    return response.json()


def _ws_url(stack, sid: str, after: int) -> str:
    return f"ws://127.0.0.1:{stack.api_port}/api/sessions/{sid}/ws?after={after}"


def test_a_search_comes_back_as_stored_messages_with_real_product_cards(stack, db):
    sid = _new_session(stack)
    body = _send(stack, sid, "red running shoes under 100 dollars", client_id="c-search-1")
    visitor, *replies = body["messages"]
    assert visitor["from"] == "visitor" and visitor["client_id"] == "c-search-1"
    assert visitor["text"] == "red running shoes under 100 dollars"
    seqs = [m["seq"] for m in body["messages"]]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs) and body["last_seq"] == seqs[-1]
    cards = [c for m in replies for c in m["cards"]]
    assert cards, replies
    for card in cards:
        product = db.scalar(select(Product).where(Product.id == card["id"]))
        assert product.name == card["name"]
        assert product.category.slug == "running-shoes" and product.price <= Decimal("100")
        assert card["price"] == money(product.price)
        assert card["url"].endswith(f"/products/{product.slug}")


def test_history_is_restored_from_the_server_and_resumes_after_a_seq(stack):
    sid = _new_session(stack)
    first = _send(stack, sid, "hi")
    second = _send(stack, sid, "what payment methods do you accept")
    history = _history(stack, sid)
    assert [m["seq"] for m in history["messages"]] == [m["seq"] for m in first["messages"] + second["messages"]]
    assert [m["text"] for m in history["messages"]] == [m["text"] for m in first["messages"] + second["messages"]]
    assert _history(stack, sid, after=first["last_seq"])["messages"] == second["messages"]
    assert _history(stack, sid, after=history["last_seq"]) == {"messages": [], "last_seq": history["last_seq"]}


def test_a_retried_send_is_not_sent_twice(stack):
    sid = _new_session(stack)
    body = {"text": "do you ship to canada", "client_id": "retry-me-1"}
    url = f"{stack.api_url}/api/sessions/{sid}/messages"
    first = httpx.post(url, json=body, timeout=30).json()
    again = httpx.post(url, json=body, timeout=30).json()
    assert again["messages"] == first["messages"]
    engine = create_engine(stack.tracker_url)
    with engine.connect() as conn:
        users = conn.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :s AND type_name = 'user'"), {"s": sid}
        ).scalar()
    engine.dispose()
    assert users == 1


def test_a_quick_reply_shows_its_title_not_its_payload(stack):
    sid = _new_session(stack)
    _send(stack, sid, "/greet", display="Say hello")
    visitor = _history(stack, sid)["messages"][0]
    assert visitor["from"] == "visitor" and visitor["text"] == "Say hello"


def test_the_websocket_replays_what_was_missed_then_pushes_new_messages_once(stack):
    sid = _new_session(stack)
    first = _send(stack, sid, "hello")
    received: list[dict] = []
    with connect(_ws_url(stack, sid, after=0), open_timeout=10) as ws:
        # Catch-up: everything stored so far, in order.
        while len([f for f in received if f["type"] == "message"]) < len(first["messages"]):
            received.append(json.loads(ws.recv(timeout=10)))
        # A message sent over HTTP (another tab, say) is pushed to this socket.
        second = _send(stack, sid, "how long does shipping take")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            pushed = [f["message"]["seq"] for f in received if f["type"] == "message"]
            if pushed[-1:] == [second["last_seq"]]:
                break
            received.append(json.loads(ws.recv(timeout=15)))
        ws.send(json.dumps({"type": "ping"}))
        while (frame := json.loads(ws.recv(timeout=10)))["type"] != "pong":
            received.append(frame)
    seqs = [f["message"]["seq"] for f in received if f["type"] == "message"]
    assert seqs == [m["seq"] for m in first["messages"] + second["messages"]]
    assert {"type": "typing", "from": "bot", "on": True} in received

    # Reconnecting after the last seen seq repeats nothing.
    with connect(_ws_url(stack, sid, after=seqs[-1]), open_timeout=10) as ws:
        with pytest.raises(TimeoutError):
            frame = json.loads(ws.recv(timeout=2))
            while frame["type"] != "message":
                frame = json.loads(ws.recv(timeout=2))


def test_a_long_poll_returns_as_soon_as_a_message_is_stored(stack):
    sid = _new_session(stack)
    start = _send(stack, sid, "hi")
    result: dict = {}

    def poll() -> None:
        began = time.monotonic()
        result["body"] = _history(stack, sid, after=start["last_seq"], wait=25)
        result["seconds"] = time.monotonic() - began

    thread = threading.Thread(target=poll)
    thread.start()
    time.sleep(1)
    sent = _send(stack, sid, "thanks")
    thread.join(timeout=40)
    assert result["body"]["messages"], result
    assert result["body"]["messages"][0]["seq"] == sent["messages"][0]["seq"]
    assert result["seconds"] < 20


def test_made_up_session_ids_are_refused(stack):
    for sid in ("visitor-1", "A" * 40):
        assert httpx.get(f"{stack.api_url}/api/sessions/{sid}/messages", timeout=10).status_code == 404
        response = httpx.post(f"{stack.api_url}/api/sessions/{sid}/messages", json={"text": "hi"}, timeout=10)
        assert response.status_code == 404 and response.json() == {"error": "unknown session"}
    with connect(_ws_url(stack, "visitor-1", after=0), open_timeout=10) as ws:
        with pytest.raises(Exception) as closed:
            ws.recv(timeout=5)
    assert getattr(closed.value, "rcvd", None) is not None and closed.value.rcvd.code == 4404


def test_bad_sends_get_clear_errors(stack):
    sid = _new_session(stack)
    url = f"{stack.api_url}/api/sessions/{sid}/messages"
    assert httpx.post(url, json={"text": "   "}, timeout=10).status_code == 422
    assert httpx.post(url, json={"text": "x" * 1001}, timeout=10).status_code == 422
    assert httpx.post(url, json={"nope": 1}, timeout=10).json()["error"] == "invalid request"
    assert httpx.post(url, content=b"{not json", headers={"content-type": "application/json"}, timeout=10).status_code == 422
