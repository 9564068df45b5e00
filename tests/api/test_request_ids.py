"""Request ids: each gateway request has one (the caller's when well-formed), returned in the
response, on the request's log lines, and sent to Rasa as message metadata."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from api.access_log import RequestIds
from bot.logging_setup import MaskingJsonFormatter, current_request_id

GIVEN = "0f8c2b1e-4d7a-4c53-9a61-2b7d3f0e9c11"


def test_a_well_formed_caller_id_is_echoed_and_reaches_rasa(gateway):
    client = gateway()
    answer = client.post("/api/chat", json={"message": "hello"}, headers={"X-Request-ID": GIVEN})
    assert answer.status_code == 200 and answer.headers["X-Request-ID"] == GIVEN
    [sent] = client.fake.received
    assert sent["metadata"]["request_id"] == GIVEN


def test_widget_messages_carry_their_own_request_id_to_rasa(gateway):
    client = gateway()
    sid = client.post("/api/sessions").json()["session_id"]
    first = client.post(f"/api/sessions/{sid}/messages", json={"text": "hello"})
    second = client.post(f"/api/sessions/{sid}/messages", json={"text": "thanks"})
    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert ids[0] != ids[1]
    assert [body["metadata"]["request_id"] for body in client.fake.received] == ids


@pytest.mark.parametrize("bad", ["short", "x" * 65, "id with spaces", "bad\u00e9id-123", "a/b/c/d/e/f",
                                 "jane.doe@example.com"])
def test_an_ill_formed_caller_id_is_replaced(gateway, bad):
    client = gateway()
    answer = client.post("/api/chat", json={"message": "hello"}, headers={"X-Request-ID": bad.encode("utf-8")})
    made = answer.headers["X-Request-ID"]
    assert made != bad and len(made) == 32
    assert client.fake.received[0]["metadata"]["request_id"] == made


async def _asgi(_app, headers: list[tuple[bytes, bytes]], scope_type: str = "http") -> tuple[list[dict], list]:
    """Run ``RequestIds(app)`` once; return what it sent and the ids the app saw bound."""
    seen, sent = [], []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    async def inner(scope, receive, send):
        seen.append(current_request_id())
        start = "websocket.accept" if scope_type == "websocket" else "http.response.start"
        await send({"type": start, "status": 200, "headers": [(b"x-request-id", b"from-the-app-00")]})

    await RequestIds(inner)({"type": scope_type, "headers": headers}, receive, send)
    return sent, seen


@pytest.mark.parametrize("headers", [
    [(b"x-request-id", b"ok-12345678\r\nSet-Cookie: a=b")],  # CRLF: a header split attempt
    [(b"x-request-id", b"first-1234567"), (b"x-request-id", b"second-123456")],  # two: take neither
])
def test_crlf_or_repeated_headers_get_a_new_id(headers):
    sent, seen = asyncio.run(_asgi(None, headers))
    [(name, value)] = sent[0]["headers"]  # the app's own x-request-id is replaced, not doubled
    assert name == b"x-request-id" and value.decode() == seen[0] and len(seen[0]) == 32
    assert current_request_id() is None  # unbound after the request


def test_a_websocket_gets_its_id_in_the_handshake_answer():
    sent, seen = asyncio.run(_asgi(None, [(b"x-request-id", GIVEN.encode())], scope_type="websocket"))
    assert seen == [GIVEN] and sent[0]["headers"] == [(b"x-request-id", GIVEN.encode())]


def test_the_access_line_carries_the_request_id_and_no_session_id(gateway, caplog):
    client = gateway()
    sid = client.post("/api/sessions").json()["session_id"]
    lines: list[dict] = []
    formatter = MaskingJsonFormatter(process="gateway")

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(formatter.format(record)))

    keep = Keep()
    logging.getLogger("httpx").addHandler(keep)
    try:
        with caplog.at_level(logging.INFO):
            client.post(f"/api/sessions/{sid}/messages", json={"text": "order 100234, jane@example.com"},
                        headers={"X-Request-ID": GIVEN})
    finally:
        logging.getLogger("httpx").removeHandler(keep)
    # httpx's line for the gateway's call to Rasa is written inside the request: it has the id.
    [to_rasa] = [line for line in lines if "rasa.invalid" in line["message"]]
    assert to_rasa["request_id"] == GIVEN and to_rasa["process"] == "gateway"
    assert all(sid not in json.dumps(line) for line in lines)  # paths stay redacted
    # The test client's own line (outside the gateway's request) has none.
    assert all("request_id" not in line for line in lines if "rasa.invalid" not in line["message"])


def test_uvicorns_access_line_carries_the_request_id(make_client):
    import threading
    import time

    import httpx
    import uvicorn

    from tests.api.conftest import free_port

    app = make_client(rasa_url=f"http://127.0.0.1:{free_port()}").app
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off"))
    formatter = MaskingJsonFormatter(process="gateway")
    lines: list[dict] = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(formatter.format(record)))

    access = logging.getLogger("uvicorn.access")
    keep, level = Keep(), access.level
    access.addHandler(keep)
    access.setLevel(logging.INFO)
    thread = threading.Thread(target=server.run, daemon=True)
    try:
        thread.start()
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        answer = httpx.get(f"http://127.0.0.1:{port}/api/sessions/visitor-secret-0123/messages",
                           headers={"X-Request-ID": GIVEN})
        server.should_exit = True
        thread.join(timeout=10)
    finally:
        access.removeHandler(keep)
        access.setLevel(level)
    assert answer.headers["X-Request-ID"] == GIVEN
    [line] = lines
    assert line["request_id"] == GIVEN and "visitor-secret" not in line["message"]
