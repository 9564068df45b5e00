"""Checks of rasa_addons.serve that need Rasa: run with .venv-rasa's Python.

    .venv-rasa/bin/python tests/rasa_addons/serve_side.py models/shop.tar.gz left-out|loaded

Loads the model as `rasa run` does, with TensorFlow left out (as `python -m
rasa_addons.serve run` does for this model) or loaded as stock Rasa loads it;
parses messages, predicts the next action of a short conversation, and prints
one JSON object with the results and what the process holds of TensorFlow.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def load_serve():
    """rasa_addons/serve.py by its path: importing the package would import Rasa, and TensorFlow, first."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("serve_alone", ROOT / "rasa_addons" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MESSAGES = ["hi", "where is my order 100004", "red nike running shoes under $100 size 42",
            "how long does shipping take to canada", "can i pay with paypal", "wo ist meine bestellung",
            "blorp snargle", "i want to talk to a human"]


def tensorflow_libraries() -> list[str]:
    """The TensorFlow shared libraries mapped into this process."""
    maps = Path("/proc/self/maps").read_text()
    return sorted({line.split()[-1] for line in maps.splitlines() if "tensorflow" in line.split()[-1]})


async def conversation(agent) -> list[str]:
    """The next action Rasa predicts after each of a few messages of one conversation."""
    from rasa.core.channels.channel import UserMessage

    actions = []
    for text in ["hi", "how long does shipping take", "thanks"]:
        await agent.processor.log_message(UserMessage(text, sender_id="serve-side"))
        prediction = await agent.processor.predict_next_for_sender_id("serve-side")
        best = max(prediction["scores"], key=lambda score: score["score"]) if prediction else None
        actions.append(best and best["action"])
    return actions


def main(model: str, mode: str) -> None:
    serve = load_serve()
    if mode == "left-out":
        serve.leave_out_tensorflow()
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    parses = [asyncio.run(agent.parse_message(text)) for text in MESSAGES]
    import tensorflow

    try:
        tensorflow.constant(1.0)
        refused = ""
    except Exception as exc:  # noqa: BLE001 - the test checks which
        refused = f"{type(exc).__name__}: {exc}"
    print(json.dumps({
        "parses": parses, "actions": asyncio.run(conversation(agent)), "libraries": tensorflow_libraries(),
        "tensorflow_version": str(tensorflow.__version__), "refused": refused,
    }, default=str))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
