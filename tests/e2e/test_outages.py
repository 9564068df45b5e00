"""What a visitor sees when a part of the service is down."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import seed_database
from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fragile_stack(trained_model):
    workdir = Path(tempfile.mkdtemp(prefix="shopbot-e2e-outage-"))
    url = f"sqlite:///{workdir / 'shop.db'}"
    seed_database(url)
    stack = Stack(workdir=workdir, shop_db_url=url, tracker={"dialect": "sqlite", "db": str(workdir / "tracker.db")})
    stack.start()
    yield stack
    stack.stop()


def test_action_server_down_gets_cannot_look_that_up(fragile_stack):
    fragile_stack.kill("actions")
    reply = fragile_stack.say("outage-1", "show me black hoodies")
    assert "can't look that up right now" in reply
    # Greetings are answered by the action server too (action_greet): the same polite notice, no error.
    greeting = fragile_stack.chat("outage-1", "hi")
    assert greeting.status_code == 200 and "can't look that up right now" in greeting.json()["messages"][0]["text"]


def test_rasa_down_answers_503_within_seconds(fragile_stack):
    fragile_stack.kill("rasa")
    started = time.monotonic()
    response = fragile_stack.chat("outage-2", "hello")
    assert response.status_code == 503
    assert "not available" in response.json()["detail"]
    assert time.monotonic() - started < 5
