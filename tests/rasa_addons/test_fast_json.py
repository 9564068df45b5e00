"""rasa_addons.fast_json: the same JSON value and the same errors as `json.dumps`.

Runs in .venv-rasa, where Rasa's ujson is installed.
"""

from __future__ import annotations

import pytest

from tests.rasa_addons.rasa_env import run_in_rasa

SCRIPT = r"""
import json, random, struct
from rasa_addons import fast_json

random.seed(7)
floats = []
while len(floats) < 20000:
    x = struct.unpack("d", random.randbytes(8))[0]
    if x == x and abs(x) != float("inf"):
        floats.append(x)
values = [
    {"event": "user", "text": "Grüße </script> \u2028 \ud800 😀", "parse_data": {"intent": {"confidence": 0.1 + 0.2}}},
    floats, [2 ** 63, 2 ** 64 - 1, -2 ** 63, 2 ** 70, -2 ** 90, 0, -0.0, 5e-324, 1e308],
    {1: "int key", 1.5: "float key", True: "bool key", None: "null key"},
    [None, True, False, "", [], {}, [[[]]]], "x" * 100000, (1, 2),
]
out = {"same": [json.loads(fast_json.dumps(v)) == json.loads(json.dumps(v)) for v in values]}
nan = [1.0, float("nan"), float("inf"), float("-inf")]
out["nan"] = fast_json.dumps(nan) == json.dumps(nan, separators=(",", ":"))
errors = {}
for name, value, kwargs in [("strict nan", nan, {"allow_nan": False}), ("bytes", [b"x"], {}),
                            ("object", {"a": object()}, {}), ("set", {1, 2}, {})]:
    try:
        fast_json.dumps(value, **kwargs)
        errors[name] = None
    except Exception as e:
        try:
            json.dumps(value, **kwargs)
            stock = None
        except Exception as s:
            stock = type(s).__name__
        errors[name] = [type(e).__name__, stock]
out["errors"] = errors
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def outcome() -> dict:
    return run_in_rasa("-c", SCRIPT)


def test_every_value_reads_back_as_json_dumps_writes_it(outcome):
    assert all(outcome["same"]), outcome["same"]


def test_non_finite_floats_are_written_as_json_dumps_writes_them(outcome):
    assert outcome["nan"] is True


@pytest.mark.parametrize("name", ["strict nan", "bytes", "object", "set"])
def test_what_json_dumps_refuses_raises_the_same_error(name, outcome):
    ours, stock = outcome["errors"][name]
    assert ours == stock and stock in ("ValueError", "TypeError")
