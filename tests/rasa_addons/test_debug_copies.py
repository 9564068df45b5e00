"""rasa_addons.debug_copies: Rasa's debug-only deep copies are skipped unless debug logging is on.

Runs in .venv-rasa. The swap is only right if, in each module it touches, `copy`
serves nothing but deep copies handed to a debug log call: the test reads the
modules' source and checks that, so a Rasa upgrade that uses `copy` for real work
there fails here instead of sharing objects it meant to copy.
"""

from __future__ import annotations

import pytest

from tests.rasa_addons.rasa_env import run_in_rasa

SCRIPT = r"""
import ast, importlib, inspect, json, logging
import rasa_addons  # installs the add-ons
from rasa_addons import debug_copies
from rasa.shared.core.domain import Domain

uses = {}
for name in debug_copies.MODULES:
    module = importlib.import_module(name)
    tree = ast.parse(inspect.getsource(module))
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "copy":
            attribute = parents.get(node)
            call = parents.get(attribute)
            log_call = parents.get(parents.get(call)) if call is not None else None  # keyword -> Call
            kind = "other"
            if isinstance(attribute, ast.Attribute) and attribute.attr == "deepcopy" and isinstance(call, ast.Call):
                if isinstance(log_call, ast.Call) and isinstance(log_call.func, ast.Attribute) \
                        and log_call.func.attr == "debug":
                    kind = "deepcopy for debug"
                else:
                    kind = "deepcopy elsewhere"
            found.append(kind)
    uses[name] = found

out = {"uses": uses, "swapped": [importlib.import_module(n).copy is debug_copies._CopyForDebugLog
                                 for n in debug_copies.MODULES]}
value = {"a": [1, {"b": 2}]}
logging.getLogger().setLevel(logging.INFO)
logging.getLogger("rasa").setLevel(logging.INFO)
out["info_same_object"] = debug_copies._CopyForDebugLog.deepcopy(value) is value
logging.getLogger("rasa").setLevel(logging.DEBUG)
copied = debug_copies._CopyForDebugLog.deepcopy(value)
out["debug_copies"] = copied == value and copied is not value and copied["a"] is not value["a"]
full = Domain.from_yaml("intents: [greet]\nresponses:\n  utter_greet:\n  - text: hi\n")
out["is_empty"] = [Domain.empty().is_empty(), full.is_empty(), full.is_empty(),
                   debug_copies._stock_is_empty(Domain.empty()), debug_copies._stock_is_empty(full)]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def outcome() -> dict:
    return run_in_rasa("-c", SCRIPT)


def test_copy_serves_only_debug_log_arguments_in_the_swapped_modules(outcome):
    for module, uses in outcome["uses"].items():
        assert uses and set(uses) == {"deepcopy for debug"}, module
    assert all(outcome["swapped"])


def test_no_copy_without_debug_logging_and_a_real_one_with_it(outcome):
    assert outcome["info_same_object"] is True
    assert outcome["debug_copies"] is True


def test_is_empty_answers_as_stock(outcome):
    assert outcome["is_empty"] == [True, False, False, True, False]
