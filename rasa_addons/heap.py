"""The loaded model's objects are left out of Python's garbage collection passes.

Why: the Rasa server holds millions of long-lived objects once it has loaded
(Rasa, TensorFlow, scikit-learn, the model). Python's full collection walks
all of them; it runs every few hundred thousand allocations, which a busy
server reaches every few seconds, and each stopped the event loop, and so
every conversation, for up to 400 ms (measured with `gc.callbacks` in the
server under the throughput benchmark's load, issue #16).

What: `install()` wraps `Agent.load_model` so that, once a model is loaded,
everything alive is collected once and then frozen (`gc.freeze()`: moved to a
permanent generation that collections skip). Only objects made after that,
such as trackers and messages, are walked. Before another model is loaded
(`PUT /model`), the frozen objects are thawed, so the old model can be freed.
"""

from __future__ import annotations

import functools
import gc
from typing import Any

from rasa.core.agent import Agent

_ORIGINAL = "_shop_original_load_model"


def install() -> None:
    """Freeze the heap after each model load (idempotent)."""
    if hasattr(Agent, _ORIGINAL):
        return
    original = Agent.load_model
    setattr(Agent, _ORIGINAL, original)

    @functools.wraps(original)
    def load_model(self: Agent, *args: Any, **kwargs: Any) -> None:
        gc.unfreeze()  # the previous model's objects may be freed again
        try:
            return original(self, *args, **kwargs)
        finally:
            gc.collect()
            gc.freeze()

    Agent.load_model = load_model  # type: ignore[method-assign]
