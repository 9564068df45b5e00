"""The Rasa server as the stack (and `make run`) starts it: `python -m rasa_addons.serve run`."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.stack import Stack


def test_the_served_rasa_holds_no_tensorflow_and_answers(sqlite_stack: Stack):
    """This model has no TensorFlow component, so the server leaves TensorFlow out (rasa_addons/serve.py)."""
    pid = sqlite_stack.procs["rasa"].pid
    maps = Path(f"/proc/{pid}/maps").read_text()
    assert "libtensorflow" not in maps and "_pywrap_tensorflow" not in maps
    assert "rasa_addons.serve: TensorFlow left out" in sqlite_stack.logs("rasa", tail=100_000)
    reply = sqlite_stack.say("rasa-process-1", "how long does shipping take?")
    assert "working days" in reply
