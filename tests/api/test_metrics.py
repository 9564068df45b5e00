"""The gateway's /metrics: requests by route template, Rasa round trips, refusals, open
connections and the handoff queue; only for operators, and never a conversation id."""

from __future__ import annotations

import threading
import time
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import delete

from bot.db import session_scope
from bot.models import HandoffReason, HandoffRequest
from tests.api.metrics_text import sample

TOKEN = "m" * 40
LOOPBACK = ("127.0.0.1", 40000)


def scrape(client: TestClient, **headers: str) -> str:
    """/metrics as a scraper on the gateway's own machine sees it."""
    response = TestClient(client.app, client=LOOPBACK).get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


def _chat(client, message, sender_id=None):
    body = {"message": message} | ({"sender_id": sender_id} if sender_id else {})
    return client.post("/api/chat", json=body)


def test_requests_are_counted_and_timed_by_route_template_never_by_id(gateway):
    client = gateway()
    before = scrape(client)
    sid = _chat(client, "hi").json()["sender_id"]
    assert _chat(client, "my email is jane.doe@example.com", sid).status_code == 200
    assert _chat(client, "thanks", sid).status_code == 200
    assert client.get(f"/api/sessions/{sid}/messages").status_code == 200
    # A trailing slash makes the router redirect: the id must not become a label either.
    assert client.get(f"/api/sessions/{sid}/messages/", follow_redirects=False).status_code == 307
    after = scrape(client)

    chat = {"method": "POST", "handler": "/api/chat"}
    assert sample(after, "http_requests_total", **chat, status="200") \
        - sample(before, "http_requests_total", **chat, status="200") == 3
    assert sample(after, "http_request_duration_seconds_count", **chat) \
        - sample(before, "http_request_duration_seconds_count", **chat) == 3
    messages = {"method": "GET", "handler": "/api/sessions/{session_id}/messages", "status": "200"}
    assert sample(after, "http_requests_total", **messages) - sample(before, "http_requests_total", **messages) == 1
    redirect = {"method": "GET", "handler": "none", "status": "307"}
    assert sample(after, "http_requests_total", **redirect) - sample(before, "http_requests_total", **redirect) == 1
    assert sid not in after
    assert "example.com" not in after and "jane" not in after


def test_each_rasa_round_trip_is_timed_with_its_outcome(gateway):
    client = gateway()
    before = scrape(client)
    assert _chat(client, "hi").status_code == 200
    client.fake.down = True
    assert _chat(client, "hi").status_code == 503
    after = scrape(client)

    def grew(outcome: str) -> float:
        labels = {"call": "message", "outcome": outcome}
        return sample(after, "shop_gateway_rasa_seconds_count", **labels) \
            - sample(before, "shop_gateway_rasa_seconds_count", **labels)

    assert (grew("ok"), grew("refused"), grew("error"), grew("timeout")) == (1, 1, 0, 0)


def test_a_rasa_that_does_not_answer_shows_as_timeouts(make_client, silent_server):
    client = make_client(rasa_url=silent_server, timeout=0.3)
    labels = {"call": "message", "outcome": "timeout"}
    before = sample(scrape(client), "shop_gateway_rasa_seconds_count", **labels)
    assert _chat(client, "hi").status_code == 503
    after = scrape(client)
    assert sample(after, "shop_gateway_rasa_seconds_count", **labels) - before == 1
    assert sample(after, "shop_gateway_rasa_seconds_sum", **labels) >= 0.3


def test_refusals_are_counted_by_the_limit_that_refused(gateway):
    client = gateway(rate_limit_messages="2/minute", rate_limit_sessions="100/minute", max_waiting_per_source="0")
    before = scrape(client)
    codes = [_chat(client, "hi").status_code for _ in range(3)]
    sid = client.post("/api/sessions").json()["session_id"]
    long_poll = client.get(f"/api/sessions/{sid}/messages", params={"wait": 1})
    after = scrape(client)

    assert codes == [200, 200, 429] and long_poll.status_code == 429

    def grew(limit: str) -> float:
        return sample(after, "shop_gateway_rate_limited_total", limit=limit) \
            - sample(before, "shop_gateway_rate_limited_total", limit=limit)

    assert (grew("messages"), grew("waiting"), grew("sessions")) == (1, 1, 0)
    refused = {"method": "POST", "handler": "/api/chat", "status": "429"}
    assert sample(after, "http_requests_total", **refused) - sample(before, "http_requests_total", **refused) == 1


def _gauge(client, name: str, want: float) -> float:
    """The gauge once it reads ``want`` (the server side of a connection moves on its own time), or its last value."""
    deadline = time.monotonic() + 3
    while True:
        value = sample(scrape(client), name)
        if value == want or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def test_open_websockets_are_a_gauge(gateway):
    client = gateway()
    sid = client.post("/api/sessions").json()["session_id"]
    base = sample(scrape(client), "shop_gateway_open_websockets")
    with client.websocket_connect(f"/api/sessions/{sid}/ws") as ws:
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}
        assert _gauge(client, "shop_gateway_open_websockets", base + 1) == base + 1
    assert _gauge(client, "shop_gateway_open_websockets", base) == base


def test_waiting_long_polls_are_a_gauge(gateway):
    client = gateway()
    sid = client.post("/api/sessions").json()["session_id"]
    base = sample(scrape(client), "shop_gateway_long_polls_waiting")
    answers = []
    waiter = threading.Thread(target=lambda: answers.append(
        client.get(f"/api/sessions/{sid}/messages", params={"wait": 2}).status_code))
    waiter.start()
    try:
        assert _gauge(client, "shop_gateway_long_polls_waiting", base + 1) == base + 1
    finally:
        waiter.join()
    assert answers == [200]
    assert _gauge(client, "shop_gateway_long_polls_waiting", base) == base


def test_the_handoff_queue_is_read_from_the_shop_db_when_scraped(gateway):
    client = gateway()
    before = sample(scrape(client), "shop_handoff_queue", status="waiting")
    sender = f"metrics-{uuid.uuid4().hex}"
    with session_scope() as session:
        session.add(HandoffRequest(sender_id=sender, reason=HandoffReason.ASKED, contact_email="queue@example.com"))
    try:
        text = scrape(client)
        assert sample(text, "shop_handoff_queue", status="waiting") == before + 1
        assert sender not in text and "queue@example.com" not in text
    finally:
        with session_scope() as session:
            session.execute(delete(HandoffRequest).where(HandoffRequest.sender_id == sender))


def test_metrics_are_refused_to_visitors(gateway):
    client = gateway()
    # TestClient's own client address is not loopback: a visitor on the internet-facing port.
    assert client.get("/metrics").status_code == 403
    loopback = TestClient(client.app, client=LOOPBACK)
    assert loopback.get("/metrics").status_code == 200
    # Through a reverse proxy on the same machine everyone looks like loopback.
    assert loopback.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403
    assert loopback.get("/metrics", headers={"Forwarded": "for=203.0.113.9"}).status_code == 403
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


def test_with_a_token_only_its_bearer_may_scrape_and_scrapes_spend_no_visitor_budget(gateway):
    client = gateway(metrics_token=TOKEN, rate_limit_messages="1/minute", rate_limit_sessions="1/minute")
    assert TestClient(client.app, client=LOOPBACK).get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 40}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 403
    for _ in range(5):
        assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert _chat(client, "hi").status_code == 200  # the same source, its one message of the minute
