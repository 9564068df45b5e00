"""rasa_addons.action_client: the same requests as Rasa's, over kept-alive connections.

Runs in .venv-rasa (Rasa is Python 3.10) through `action_client_side.py`,
against a real aiohttp server on a free port.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rasa_addons.rasa_env import run_in_rasa


@pytest.fixture(scope="module")
def result() -> dict:
    return run_in_rasa(str(Path(__file__).with_name("action_client_side.py")))


def test_installed_on_import(result):
    assert result["installed"]


def test_the_action_server_gets_the_same_request(result):
    assert result["replies"] == [{"events": [], "responses": [{"text": "ok"}]}] * 5
    assert result["bodies_equal"] and result["domain_sent"]
    assert result["token"] == "s3cret" and result["header"] == "demo"
    assert result["content_type"] == "application/json"
    assert result["encode"] == [True] * 5


def test_connections_are_reused(result):
    assert result["connections"] == 1  # five calls, one TCP connection (stock Rasa opens one per call)


def test_errors_as_stock_rasa(result):
    assert result["error_status"] == 500  # ClientResponseError, as RemoteAction expects
    assert result["not_json"] is None


def test_several_action_servers_take_turns(result):
    assert sorted(result["in_turns"]) == ["ok", "ok", "second", "second"]
    assert result["took_turns"] == {"first": 2, "second": 2}


def test_a_server_that_refuses_connections_is_passed_over(result):
    assert result["past_dead"] == ["second"] * 3  # the dead one first in turn, then rested: never an error


def test_when_every_server_refuses_the_call_fails_as_with_one(result):
    assert result["all_dead_error"] == "ClientConnectorError"
