"""Widget sessions at the gateway, without Rasa: ids, refusals and rate limits.
(The conversation itself is tested through the real stack in tests/e2e.)"""

from __future__ import annotations

import pytest

from bot.settings import get_settings
from bot.visitor_sessions import is_session_id, new_session_id


def test_session_ids_are_signed_and_unguessable():
    ids = {new_session_id(secret_key="k1") for _ in range(200)}
    assert len(ids) == 200
    for sid in ids:
        assert len(sid) == 40 and is_session_id(sid, secret_key="k1")
        assert not is_session_id(sid, secret_key="k2")
        assert not is_session_id(sid[:-1] + ("A" if sid[-1] != "A" else "B"), secret_key="k1")
    assert not is_session_id("visitor-1", secret_key="k1")
    assert not is_session_id("", secret_key="k1")


@pytest.fixture
def limited_client(make_client, monkeypatch, tmp_path):
    monkeypatch.setenv("SHOP_RATE_LIMIT_SESSIONS", "3/minute")
    monkeypatch.setenv("SHOP_RATE_LIMIT_MESSAGES", "2/minute")
    monkeypatch.setenv("SHOP_TRACKER_DB", str(tmp_path / "tracker.db"))
    return make_client(rasa_url="http://127.0.0.1:9")  # nothing listens on port 9


def test_too_many_new_sessions_get_429_with_retry_after(limited_client):
    codes = [limited_client.post("/api/sessions").status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    refused = limited_client.post("/api/sessions")
    assert refused.json() == {"error": "too many requests, please slow down"}
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_too_many_messages_get_429_before_reaching_the_assistant(limited_client):
    sid = limited_client.post("/api/sessions").json()["session_id"]
    url = f"/api/sessions/{sid}/messages"
    codes = [limited_client.post(url, json={"text": f"hello {i}"}).status_code for i in range(3)]
    assert codes == [503, 503, 429]  # Rasa is down: the first two are tried, the third is refused


def test_a_new_conversation_has_no_history(limited_client):
    sid = limited_client.post("/api/sessions").json()["session_id"]
    assert limited_client.get(f"/api/sessions/{sid}/messages").json() == {"messages": [], "last_seq": 0}


def test_unknown_sessions_are_refused_on_every_route(limited_client):
    sid = "x" * 40
    assert limited_client.get(f"/api/sessions/{sid}/messages").status_code == 404
    assert limited_client.post(f"/api/sessions/{sid}/messages", json={"text": "hi"}).status_code == 404
    with limited_client.websocket_connect(f"/api/sessions/{sid}/ws") as ws:
        message = ws.receive()
    assert message["type"] == "websocket.close" and message["code"] == 4404


def test_long_poll_wait_is_bounded(limited_client):
    sid = limited_client.post("/api/sessions").json()["session_id"]
    assert limited_client.get(f"/api/sessions/{sid}/messages", params={"wait": 26}).status_code == 422
    assert limited_client.get(f"/api/sessions/{sid}/messages", params={"after": -1}).status_code == 422


def test_the_widget_script_is_served_as_javascript(limited_client):
    response = limited_client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    assert "max-age" in response.headers["cache-control"]


def test_the_widget_may_call_the_api_from_the_shop_origin(limited_client):
    preflight = limited_client.options(
        "/api/sessions", headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST",
                                  "Access-Control-Request-Headers": "content-type"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", "https://shop.example")


def test_settings_refuse_the_dev_secret_in_production(monkeypatch):
    monkeypatch.delenv("SHOP_SECRET_KEY")
    monkeypatch.setenv("SHOP_ENVIRONMENT", "production")
    monkeypatch.setenv("SHOP_RASA_TOKEN", "a-real-token")
    get_settings.cache_clear()
    try:
        with pytest.raises(ValueError, match="SHOP_SECRET_KEY"):
            get_settings()
    finally:
        get_settings.cache_clear()
