"""/livez answers while the process does; /readyz only while the shop DB, the tracker store
and Rasa answer, and says which did not, without secrets."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import create_engine

from api.routes import health
from bot.settings import get_settings
from bot.transcripts.store import get_tracker_engine, metadata
from tests.api.fake_rasa import FakeRasa


@pytest.fixture
def gateway(make_client, monkeypatch, tmp_path):
    """``gateway(tracker_db=...)``: a gateway whose fake Rasa is up (``client.fake``; its /status is counted)."""
    def build(tracker_db: str | None = None):
        monkeypatch.setenv("SHOP_TRACKER_DB", tracker_db or str(tmp_path / "tracker.db"))
        monkeypatch.setenv("SHOP_TRACKER_URL", "")
        client = make_client(rasa_url="http://rasa.invalid")
        get_tracker_engine.cache_clear()
        if tracker_db is None:
            metadata.create_all(get_tracker_engine())
        fake = FakeRasa()
        fake.status_calls = 0

        def handle(request: httpx.Request) -> httpx.Response:
            if request.url.path == "/status" and not fake.down:
                fake.status_calls += 1
                return httpx.Response(200, json={"model_file": "model.tar.gz"})
            return fake.handle(request)

        client.app.state.rasa._http = httpx.AsyncClient(transport=httpx.MockTransport(handle))
        client.fake = fake
        return client

    yield build
    get_tracker_engine().dispose()
    get_tracker_engine.cache_clear()


@pytest.fixture
def no_cache(monkeypatch):
    monkeypatch.setattr(health, "READY_CACHE_SECONDS", 0.0)


def test_ready_when_every_dependency_answers(gateway):
    client = gateway()
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready" and body["failed"] == []
    assert set(body["components"]) == {"database", "tracker_store", "rasa"}
    assert client.get("/livez").json() == {"status": "alive"}


def test_a_rasa_that_is_down_makes_readyz_503_while_livez_stays_200(gateway):
    client = gateway()
    client.fake.down = True
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["status"] == "not ready" and ready.json()["failed"] == ["rasa"]
    assert ready.json()["components"]["rasa"] == {"ok": False, "detail": "ConnectError"}
    # No secret, URL or stack trace in what anyone on the internet can read.
    assert get_settings().rasa_token not in ready.text
    assert "rasa.invalid" not in ready.text and "Traceback" not in ready.text and "sqlite" not in ready.text
    assert client.get("/livez").status_code == 200
    assert client.get("/health").status_code == 503  # unchanged: it also checks the action server


def test_a_tracker_store_that_cannot_be_opened_is_named(gateway, tmp_path):
    client = gateway(tracker_db=str(tmp_path / "no-such-dir" / "tracker.db"))
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["failed"] == ["tracker_store"]
    assert ready.json()["components"]["tracker_store"] == {"ok": False, "detail": "OperationalError"}
    assert str(tmp_path) not in ready.text


def test_a_shop_db_that_cannot_be_opened_is_named(gateway, monkeypatch, tmp_path):
    client = gateway()
    broken = create_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'shop.db'}")
    monkeypatch.setattr(health, "get_engine", lambda: broken)
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["failed"] == ["database"]


def test_a_hung_rasa_is_not_ready_within_about_a_second(make_client, silent_server, no_cache):
    client = make_client(rasa_url=silent_server, timeout=10)
    started = time.monotonic()
    ready = client.get("/readyz")
    assert time.monotonic() - started < 2.5
    assert ready.status_code == 503 and ready.json()["failed"] == ["rasa"]
    assert ready.json()["components"]["rasa"]["detail"] in ("timeout", "ReadTimeout")


def test_a_flood_of_readiness_probes_checks_the_dependencies_once_a_second(gateway):
    client = gateway()
    assert [client.get("/readyz").status_code for _ in range(20)] == [200] * 20
    assert client.fake.status_calls == 1
    time.sleep(health.READY_CACHE_SECONDS)
    client.fake.down = True
    assert client.get("/readyz").status_code == 503  # a fresh answer after the second
