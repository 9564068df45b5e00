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
    assert outcome["cases"]["valid"] == {"stock": None, "ours": None}
    assert outcome["cases"]["empty"] == {"stock": None, "ours": None}


@pytest.mark.parametrize("name", ["slot_without_name", "unknown_event", "responses_not_a_list", "not_an_object"])
def test_an_invalid_response_is_refused_with_stock_rasas_message(name, outcome):
    case = outcome["cases"][name]
    assert case["stock"] is not None
    assert case["ours"] is not None
    assert case["ours"].startswith(case["stock"])
    assert "Failed to validate Action server response" in case["ours"]
