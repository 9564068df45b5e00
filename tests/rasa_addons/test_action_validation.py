"""rasa_addons.action_validation: the cached validator accepts and refuses what stock Rasa does.

Runs in .venv-rasa (Rasa is Python 3.10) through a small script, because the
validator patches Rasa's RemoteAction.
"""

from __future__ import annotations

import json

import pytest

from tests.rasa_addons.rasa_env import run_in_rasa

CASES = {
    "valid": {"events": [{"event": "slot", "name": "order_number", "value": "100001"},
                         {"event": "active_loop", "name": None}],
              "responses": [{"text": "Your order has shipped."}]},
    "empty": {},
    "slot_without_name": {"events": [{"event": "slot"}], "responses": []},
    "unknown_event": {"events": [{"event": "teleport"}]},
    "responses_not_a_list": {"events": [], "responses": {"text": "hi"}},
    "not_an_object": ["events"],
    "many_event_types": {"events": [
        {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet", "confidence": 1.0}, "entities": []}},
        {"event": "action", "name": "utter_greet", "policy": None, "confidence": None, "timestamp": 1.5},
        {"event": "bot", "text": "Hello", "data": {"buttons": []}, "metadata": {}},
        {"event": "slot", "name": "email", "value": None},
        {"event": "followup", "name": "action_listen"},
        {"event": "reset_slots"}, {"event": "restart"}, {"event": "rewind"}, {"event": "undo"},
        {"event": "pause"}, {"event": "resume"}, {"event": "session_started"},
        {"event": "active_loop", "name": "order_status_form"}, {"event": "loop_interrupted", "is_interrupted": True},
        {"event": "form_validation", "validate": False},
        {"event": "action_execution_rejected", "name": "order_status_form"},
    ], "responses": [{"text": "ok"}, {"template": "utter_greet"}]},
    "event_not_an_object": {"events": ["slot"]},
    "event_without_type": {"events": [{"name": "email", "value": "x"}]},
    "slot_name_a_number": {"events": [{"event": "slot", "name": 5, "value": "x"}]},
    "timestamp_a_string": {"events": [{"event": "action", "name": "x", "timestamp": "noon"}]},
    "user_text_a_number": {"events": [{"event": "user", "text": 42}]},
    "events_not_a_list": {"events": {"event": "restart"}},
    "valid_then_invalid": {"events": [{"event": "restart"}, {"event": "slot", "name": None}]},
}

SCRIPT = r"""
import json, sys
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
import rasa_addons  # installs the cached validator
from rasa_addons.action_validation import validate_action_result

cases = json.loads(sys.argv[1])
out = {"installed": RemoteAction._validate_action_result is validate_action_result, "cases": {}}
action = RemoteAction("action_test", None)
for name, result in cases.items():
    try:
        validate(result, RemoteAction.action_response_format_spec())
        stock = None
    except ValidationError as e:
        stock = e.message
    try:
        action._validate_action_result(result)
        ours = None
    except ValidationError as e:
        ours = e.message
    out["cases"][name] = {"stock": stock, "ours": ours}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def outcome() -> dict:
    return run_in_rasa("-c", SCRIPT, json.dumps(CASES))


def test_importing_the_addons_installs_the_cached_validator(outcome):
    assert outcome["installed"] is True


def test_a_valid_response_passes(outcome):
    for name in ("valid", "empty", "many_event_types"):
        assert outcome["cases"][name] == {"stock": None, "ours": None}, name


@pytest.mark.parametrize("name", ["slot_without_name", "unknown_event", "responses_not_a_list", "not_an_object",
                                  "event_not_an_object", "event_without_type", "slot_name_a_number",
                                  "timestamp_a_string", "user_text_a_number", "events_not_a_list",
                                  "valid_then_invalid"])
def test_an_invalid_response_is_refused_with_stock_rasas_message(name, outcome):
    case = outcome["cases"][name]
    assert case["stock"] is not None
    assert case["ours"] is not None
    assert case["ours"].startswith(case["stock"])
    assert "Failed to validate Action server response" in case["ours"]
