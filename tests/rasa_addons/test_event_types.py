"""rasa_addons.event_types: the dictionary lookup answers what stock Rasa answers, for every event name.

Runs in .venv-rasa (Rasa is Python 3.10) through a small script, because the
lookup replaces Rasa's Event.resolve_by_type.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

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
    if not RASA_PYTHON.exists():
        pytest.skip("the Rasa environment .venv-rasa is missing: run `make test`, which creates it")
    proc = subprocess.run([str(RASA_PYTHON), "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_importing_the_addons_installs_the_lookup(outcome):
    assert outcome["installed"] is True


def test_every_event_name_unknown_names_and_defaults_resolve_as_stock(outcome):
    assert outcome["names"] > 20
    assert outcome["differences"] == []
