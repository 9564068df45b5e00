"""rasa_addons.event_types: the dictionary lookup answers what stock Rasa answers, for every event name.

Runs in .venv-rasa (Rasa is Python 3.10) through a small script, because the
lookup replaces Rasa's Event.resolve_by_type.
"""

from __future__ import annotations

import pytest

from tests.rasa_addons.rasa_env import run_in_rasa

SCRIPT = r"""
import json
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.utils.common import all_subclasses
import rasa_addons  # installs the lookup
from rasa_addons.event_types import _stock_resolve, resolve_by_type

def answer(resolve, *args):
    try:
        cls = resolve(*args)
        return None if cls is None else cls.__name__
    except ValueError as e:
        return "ValueError: " + str(e)

names = sorted({cls.type_name for cls in all_subclasses(Event)}) + ["topic", "teleport", ""]
out = {"installed": Event.resolve_by_type is resolve_by_type, "names": len(names), "differences": []}
for name in names:
    for args in ((name,), (name, SlotSet)):
        for _ in range(2):  # the second call is answered from the dictionary
            stock, ours = answer(_stock_resolve, *args), answer(Event.resolve_by_type, *args)
            if stock != ours:
                out["differences"].append([list(map(str, args)), stock, ours])
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def outcome() -> dict:
    return run_in_rasa("-c", SCRIPT)


def test_importing_the_addons_installs_the_lookup(outcome):
    assert outcome["installed"] is True


def test_every_event_name_unknown_names_and_defaults_resolve_as_stock(outcome):
    assert outcome["names"] > 20
    assert outcome["differences"] == []
