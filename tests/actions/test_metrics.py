"""The action server's /metrics: action runs and latency, DB errors, fallbacks and handoffs;
served by the real `python -m rasa_sdk --actions actions` through rasa_sdk's plugin hook."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from sanic.compat import Header
from sqlalchemy.exc import OperationalError

from actions import metrics
from actions.metrics_plugin import may_scrape
from actions.unit_of_work import ServiceUnavailable, in_transaction
from tests.api.metrics_text import sample

ROOT = Path(__file__).parents[2]
TOKEN = "a" * 40
SENDER = "visitor-secret-5f1c2e"


def _text() -> str:
    from prometheus_client import REGISTRY, generate_latest

    return generate_latest(REGISTRY).decode()


def _answer(*responses: str) -> bytes:
    return json.dumps({"events": [], "responses": [{"response": r, "text": None} for r in responses]}).encode()


def test_a_run_is_counted_by_action_and_outcome_and_timed():
    before = _text()
    metrics.record_run(action="action_order_status", status=200, seconds=0.02, body=_answer("utter_order_status"))
    metrics.record_run(action="action_order_status", status=500, seconds=0.01, body=b'{"error": "boom"}')
    metrics.record_run(action="action_made_up", status=404, seconds=0.001, body=b"{}")
    after = _text()

    def grew(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert grew("shop_action_runs_total", action="action_order_status", outcome="ok") == 1
    assert grew("shop_action_runs_total", action="action_order_status", outcome="error") == 1
    # A name the server does not know is not a label: anyone on loopback could invent them.
    assert grew("shop_action_runs_total", action="unknown", outcome="not_found") == 1
    assert "action_made_up" not in after
    assert grew("shop_action_seconds_count", action="action_order_status") == 2
    assert grew("shop_action_seconds_sum", action="action_order_status") == pytest.approx(0.03)


def test_fallbacks_and_handoffs_are_counted_by_the_response_given():
    before = _text()
    metrics.record_run(action="action_fallback_suggest", status=200, seconds=0.01, body=_answer("utter_did_you_mean"))
    metrics.record_run(action="action_fallback_suggest", status=200, seconds=0.01,
                       body=_answer("utter_fallback_offer_human"))
    metrics.record_run(action="action_handoff", status=200, seconds=0.01, body=_answer("utter_handoff_queued"))
    metrics.record_run(action="action_handoff", status=500, seconds=0.01, body=b"{}")  # failed: no handoff
    metrics.record_run(action="action_order_status", status=200, seconds=0.01, body=_answer("utter_default"))
    after = _text()

    def grew(name: str, response: str) -> float:
        return sample(after, name, response=response) - sample(before, name, response=response)

    assert grew("shop_action_fallbacks_total", "utter_did_you_mean") == 1
    assert grew("shop_action_fallbacks_total", "utter_fallback_offer_human") == 1
    assert grew("shop_action_fallbacks_total", "utter_default") == 0
    assert grew("shop_action_handoffs_total", "utter_handoff_queued") == 1
    assert grew("shop_action_handoffs_total", "none") == 0


def test_a_unit_of_work_that_fails_on_the_db_is_counted():
    before = sample(_text(), "shop_action_db_errors_total")

    def work(_session):
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    with pytest.raises(ServiceUnavailable):
        asyncio.run(in_transaction(work))
    assert asyncio.run(in_transaction(lambda _session: 42)) == 42
    assert sample(_text(), "shop_action_db_errors_total") == before + 1


@pytest.mark.parametrize(("ip", "headers", "token", "allowed"), [
    ("127.0.0.1", {}, "", True),
    ("::1", {}, "", True),
    ("10.0.0.7", {}, "", False),
    ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}, "", False),
    ("127.0.0.1", {}, TOKEN, False),
    ("10.0.0.7", {"Authorization": f"Bearer {TOKEN}"}, TOKEN, True),
    ("10.0.0.7", {"Authorization": "Bearer wrong"}, TOKEN, False),
])
def test_only_operators_may_scrape(ip, headers, token, allowed):
    request = SimpleNamespace(ip=ip, headers=Header(headers))
    assert may_scrape(request, token) is allowed


# --- the real action server -----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def action_server(tmp_path_factory) -> Iterator[str]:
    """`python -m rasa_sdk --actions actions` with a metrics token and a shop DB that cannot be opened."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    broken_db = tmp_path_factory.mktemp("actions") / "no-such-dir" / "shop.db"
    env |= {"SANIC_HOST": "127.0.0.1", "SHOP_METRICS_TOKEN": TOKEN, "SHOP_DATABASE_URL": f"sqlite:///{broken_db}"}
    log = (tmp_path_factory.getbasetemp() / "actions.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "the action server did not start"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _call(action: str, *, intent: str, ranking: list[dict] | None = None) -> dict:
    latest = {"text": "blorp", "intent": {"name": intent, "confidence": 0.2}, "intent_ranking": ranking or [],
              "entities": [], "metadata": {"source": "src-1"}}
    tracker = {"sender_id": SENDER, "slots": {}, "latest_message": latest, "paused": False,
               "events": [{"event": "user", "text": "blorp", "parse_data": latest}], "followup_action": None,
               "active_loop": {}, "latest_action_name": "action_listen"}
    return {"next_action": action, "sender_id": SENDER, "tracker": tracker, "domain": {}, "version": "3.6.21"}


def _responses(answer: httpx.Response) -> list[str]:
    return [r.get("response") for r in answer.json()["responses"]]


def test_the_action_server_serves_its_counts_to_the_token_bearer_only(action_server):
    scrape = {"Authorization": f"Bearer {TOKEN}"}
    assert httpx.get(f"{action_server}/metrics").status_code == 403  # loopback is not enough once a token is set
    before = httpx.get(f"{action_server}/metrics", headers=scrape).text

    ranking = [{"name": "order_status", "confidence": 0.4}, {"name": "product_search", "confidence": 0.3}]
    fallback = httpx.post(f"{action_server}/webhook", json=_call("action_fallback_suggest", intent="nlu_fallback",
                                                                 ranking=ranking))
    assert fallback.status_code == 200 and _responses(fallback) == ["utter_did_you_mean"]
    handoff = httpx.post(f"{action_server}/webhook", json=_call("action_handoff", intent="human_handoff"))
    assert handoff.status_code == 200 and _responses(handoff) == ["utter_handoff_unavailable"]  # the DB is down
    assert httpx.post(f"{action_server}/webhook", json=_call("action_nope", intent="greet")).status_code == 404

    response = httpx.get(f"{action_server}/metrics", headers=scrape)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    after = response.text

    def grew(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert grew("shop_action_runs_total", action="action_fallback_suggest", outcome="ok") == 1
    assert grew("shop_action_runs_total", action="action_handoff", outcome="ok") == 1
    assert grew("shop_action_runs_total", action="unknown", outcome="not_found") == 1
    assert grew("shop_action_seconds_count", action="action_handoff") == 1
    assert grew("shop_action_fallbacks_total", response="utter_did_you_mean") == 1
    assert grew("shop_action_handoffs_total", response="utter_handoff_unavailable") == 1
    # The handoff's, and the fallback's look-up of a running A/B experiment (it then answers in the domain's words).
    assert grew("shop_action_db_errors_total") == 2
    assert SENDER not in after and "src-1" not in after
