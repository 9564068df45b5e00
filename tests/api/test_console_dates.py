"""Dates at the calendar's ends in the console's filters get a clear 4xx, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from bot.transcripts.store import get_tracker_engine, metadata
from tests.api.console_helpers import logged_in

EXTREMES = ["9999-12-31", "0001-01-01", "9999-12-30", "0001-01-02"]


@pytest.fixture
def client(console, staff, monkeypatch, tmp_path):
    path = tmp_path / "tracker.db"
    metadata.create_all(create_engine(f"sqlite:///{path}"))
    monkeypatch.setenv("SHOP_TRACKER_DB", str(path))
    monkeypatch.delenv("SHOP_TRACKER_URL", raising=False)
    get_tracker_engine.cache_clear()
    client = console()
    logged_in(client, staff("admin"))
    yield client
    get_tracker_engine.cache_clear()


@pytest.mark.parametrize("day", EXTREMES)
@pytest.mark.parametrize("param", ["from", "to"])
def test_analytics_json_refuses_a_day_at_the_calendars_end(client, param, day):
    response = client.get("/api/console/analytics", params={param: day})
    assert response.status_code == 422, response.text
    assert "a day between" in response.text


@pytest.mark.parametrize("day", EXTREMES)
@pytest.mark.parametrize("param", ["from", "to"])
def test_the_analytics_page_refuses_a_day_at_the_calendars_end(client, param, day):
    response = client.get("/console/analytics", params={param: day})
    assert response.status_code == 400 and "a day between" in response.text


def test_analytics_still_cover_an_ordinary_period(client):
    response = client.get("/api/console/analytics", params={"from": "2025-01-01", "to": "2025-01-31"})
    assert response.status_code == 200 and response.json()["period"]["from"] == "2025-01-01"


@pytest.mark.parametrize("day", EXTREMES)
@pytest.mark.parametrize("param", ["since", "until"])
def test_the_conversation_list_refuses_a_day_at_the_calendars_end(client, param, day):
    response = client.get("/console/conversations", params={param: day})
    assert response.status_code == 400, response.text
    assert "a day between" in response.text
