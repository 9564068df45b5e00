"""Hostile text through the real gateway, Rasa and tracker store (SQLite, then PostgreSQL):
control characters, NUL, bad UTF-8, lone surrogates, huge unicode, markup, JSON- and
payload-looking text, RTL overrides, very long words. Each gets a clear 2xx or 4xx,
never a 5xx, and what is accepted is stored exactly as sent (read back through the
widget's history); what is refused leaves nothing behind."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from tests.e2e.hostile_strings import ACCEPTED

pytestmark = pytest.mark.e2e

# Each refused body, as raw bytes around the text field, and the answer it gets.
REFUSED = {
    "invalid_utf8": (b'"bad \xff\xfe bytes"', 400),
    "cesu_surrogate": (b'"half \xed\xa0\x80 of a pair"', 422),
    "lone_surrogate": (b'"lone \\ud800 half"', 422),
    "blank": (json.dumps(" \t\n ").encode(), 422),
    "too_long": (json.dumps("x" * 1001).encode(), 422),
    "over_body_limit": (json.dumps("\U0001d518" * 5000, ensure_ascii=False).encode(), 413),
}


def _new_session(stack) -> str:
    response = httpx.post(f"{stack.api_url}/api/sessions", timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["session_id"]


def _history(stack, sid: str) -> dict:
    response = httpx.get(f"{stack.api_url}/api/sessions/{sid}/messages", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def _raw(field: str, value: bytes, **more: str) -> bytes:
    extra = b"".join(b", " + json.dumps(k).encode() + b": " + json.dumps(v).encode() for k, v in more.items())
    return b'{"' + field.encode() + b'": ' + value + extra + b"}"


def _post(stack, path: str, body: bytes) -> httpx.Response:
    return httpx.post(f"{stack.api_url}{path}", content=body, headers={"Content-Type": "application/json"},
                      timeout=30)


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_the_widget_stores_hostile_text_exactly_as_sent(stack, name):
    text, client_id = ACCEPTED[name], f"hostile-{uuid.uuid4().hex}"
    sid = _new_session(stack)
    response = httpx.post(f"{stack.api_url}/api/sessions/{sid}/messages",
                          json={"text": text, "client_id": client_id}, timeout=30)
    assert response.status_code == 200, response.text
    sent = response.json()["messages"][0]
    assert (sent["from"], sent["client_id"], sent["text"]) == ("visitor", client_id, text.strip())
    stored = [m for m in _history(stack, sid)["messages"] if m["from"] == "visitor"]
    assert [(m["client_id"], m["text"]) for m in stored] == [(client_id, text.strip())]


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_chat_api_stores_hostile_text_of_a_new_conversation_exactly(stack, name):
    text = ACCEPTED[name]
    response = httpx.post(f"{stack.api_url}/api/chat", json={"message": text}, timeout=30)
    assert response.status_code == 200, response.text
    sid = response.json()["sender_id"]
    stored = [m["text"] for m in _history(stack, sid)["messages"] if m["from"] == "visitor"]
    assert stored == [text.strip()]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_widget_refuses_broken_text_clearly_and_stores_nothing(stack, name):
    value, status = REFUSED[name]
    sid = _new_session(stack)
    response = _post(stack, f"/api/sessions/{sid}/messages", _raw("text", value, client_id=uuid.uuid4().hex))
    assert response.status_code == status, response.text
    assert response.json()["error"]
    assert _history(stack, sid)["messages"] == []


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_chat_api_refuses_broken_text_clearly(stack, name):
    value, status = REFUSED[name]
    response = _post(stack, "/api/chat", _raw("message", value))
    assert response.status_code == status, response.text
    assert response.json()["error"]
