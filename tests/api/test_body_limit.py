"""Oversized bodies get 413 however they arrive; oversized WebSocket messages close the socket (1009)."""

from __future__ import annotations

import pytest
from starlette.websockets import WebSocketDisconnect

from api.body_limit import MAX_BODY_BYTES, WS_MESSAGE_TOO_BIG


def _chunks(total: int, size: int = 1024):
    # A generator body: httpx sends it chunked, without a Content-Length.
    for _ in range(total // size + 1):
        yield b"x" * size


@pytest.fixture
def client(make_client, monkeypatch, tmp_path):
    monkeypatch.setenv("SHOP_TRACKER_DB", str(tmp_path / "tracker.db"))
    return make_client(rasa_url="http://127.0.0.1:9")  # nothing listens on port 9


@pytest.mark.parametrize("path, content_type", [
    ("/api/chat", "application/json"),
    ("/console/login", "application/x-www-form-urlencoded"),
])
def test_a_chunked_body_over_the_limit_gets_413_not_400(client, path, content_type):
    response = client.post(path, content=_chunks(MAX_BODY_BYTES + 1), headers={"content-type": content_type})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413, response.text
    assert response.json()["error"] == "request too large"


def test_a_small_chunked_body_is_read_as_usual(client):
    response = client.post("/api/chat", content=iter([b'{"sender_id": "v1", ', b'"message": ""}']),
                           headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_a_websocket_message_over_the_limit_closes_the_socket_with_1009(client):
    session_id = client.post("/api/sessions").json()["session_id"]
    with client.websocket_connect(f"/api/sessions/{session_id}/ws") as ws:
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}
        ws.send_text('{"type": "ping", "pad": "' + "x" * MAX_BODY_BYTES + '"}')
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == WS_MESSAGE_TOO_BIG
