"""rasa_addons.heap: after a model load the heap is frozen out of garbage collection, and thawed before the next.

Runs in .venv-rasa: the add-on wraps Rasa's Agent.load_model. A path that is no model
makes the load fail at once; the wrapper freezes and thaws all the same.
"""

from __future__ import annotations

from tests.rasa_addons.rasa_env import run_in_rasa

SCRIPT = r"""
import gc, json
from rasa.core.agent import Agent
import rasa_addons  # installs the add-ons

out = {"wrapped": hasattr(Agent, "_shop_original_load_model"), "frozen_at_start": gc.get_freeze_count()}
agent = Agent()
cycles = []
for _ in range(5000):
    c = []
    c.append(c)  # garbage only a collection frees
    cycles.append(c)
try:
    agent.load_model("/nonexistent/model.tar.gz")
except Exception as e:
    out["error"] = type(e).__name__
out["frozen_after_load"] = gc.get_freeze_count()
del cycles, c
gc.collect()
out["frozen_after_collect"] = gc.get_freeze_count()  # a collection leaves frozen objects alone
try:
    agent.load_model("/nonexistent/model.tar.gz")
except Exception:
    pass
out["frozen_after_reload"] = gc.get_freeze_count()  # thawed first: the cycles were freed
print(json.dumps(out))
"""


def test_a_loaded_model_is_frozen_out_of_collections_and_thawed_before_the_next_load():
    out = run_in_rasa("-c", SCRIPT)
    assert out["wrapped"] is True and out["frozen_at_start"] == 0
    assert out["error"]  # the load failed, and still:
    assert out["frozen_after_load"] > 100_000
    # the list holding the cycles went by reference counting; the 5,000 cycles stay frozen
    assert out["frozen_after_load"] - 2 <= out["frozen_after_collect"] <= out["frozen_after_load"]
    assert out["frozen_after_reload"] <= out["frozen_after_load"] - 5000
