"""No visitor secret in the logs: a real uvicorn server logs widget paths with the session id redacted."""

from __future__ import annotations

import logging
import threading
import time

import httpx
import uvicorn

from api.access_log import REDACTED, redact
from tests.api.conftest import free_port


def test_redact_hides_session_ids_in_paths_and_secret_query_values():
    assert redact('GET /api/sessions/s3cr3t-id/messages?after=3') == f"GET /api/sessions/{REDACTED}/messages?after=3"
    assert redact("/api/sessions/abc/ws") == f"/api/sessions/{REDACTED}/ws"
    assert redact("http://rasa:5005/conversations/abc%2Fd/tracker/events?token=t0k&include_events=NONE") == (
        f"http://rasa:5005/conversations/{REDACTED}/tracker/events?token={REDACTED}&include_events=NONE")
    assert redact("POST /api/sessions HTTP/1.1") == "POST /api/sessions HTTP/1.1"
    assert redact("/console/conversations/c-abc123") == "/console/conversations/c-abc123"


def test_uvicorn_access_log_has_no_session_id(make_client, caplog, monkeypatch):
    app = make_client(rasa_url=f"http://127.0.0.1:{free_port()}").app
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    secret = "visitor-secret-0123456789abcdef"
    with caplog.at_level(logging.INFO):
        thread.start()
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        httpx.get(f"http://127.0.0.1:{port}/api/sessions/{secret}/messages?session_id={secret}")
        httpx.post(f"http://127.0.0.1:{port}/api/sessions/{secret}/messages", json={"text": "hi"})
        server.should_exit = True
        thread.join(timeout=10)
    access = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert len(access) == 2 and all(f"/api/sessions/{REDACTED}/messages" in line for line in access)
    assert all(secret not in r.getMessage() for r in caplog.records)
