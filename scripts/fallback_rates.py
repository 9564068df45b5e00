"""How often the trained model hands a message to the fallback, per test set (run in .venv-rasa).

`rasa test nlu` undoes fallback predictions before scoring, so its F1 says
nothing about how often a visitor would see "did you mean ...?". This parses
each message with the whole model and counts `nlu_fallback`:
- held-out shop messages (the sets of tests/heldout_sets.txt; out_of_scope left out):
  a fallback there is a visitor the bot failed, lower is better;
- tests/nlu_nonsense/messages.txt (meaningless input, written without seeing
  the training data or the gate): a fallback there is the right answer, and
  so is out_of_scope ("here is what I can do").

Usage: .venv-rasa/bin/python scripts/fallback_rates.py models/shop.tar.gz
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FALLBACK = "nlu_fallback"


def held_out_folders() -> list[str]:
    """The held-out sets' folders, as tests/heldout_sets.txt lists them."""
    lines = (ROOT / "tests/heldout_sets.txt").read_text().splitlines()
    return [line.split()[1] for line in lines if line.strip() and not line.startswith("#")]


def _held_out(folder: Path) -> list[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(folder))
    return [m.get("text") for m in data.intent_examples if m.get("intent") != "out_of_scope"]


async def _intents(agent, texts: list[str]) -> list[str]:
    return [(await agent.parse_message(t))["intent"]["name"] for t in texts]


async def main(model: str) -> int:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    logging.disable(logging.WARNING)
    configure_structlog(logging.WARNING)  # the processor logs every parse at debug level

    agent = Agent.load(model)
    for folder in held_out_folders():
        texts = _held_out(ROOT / folder)
        missed = (await _intents(agent, texts)).count(FALLBACK)
        print(f"{folder}/ shop messages sent to the fallback: {missed} of {len(texts)}"
              f" ({missed / len(texts):.1%}; lower is better)")
    nonsense = [line.strip() for line in (ROOT / "tests/nlu_nonsense/messages.txt").read_text().splitlines()
                if line.strip()]
    got = await _intents(agent, nonsense)
    caught = sum(1 for name in got if name in (FALLBACK, "out_of_scope"))
    wrong = sorted({name for name in got if name not in (FALLBACK, "out_of_scope")})
    print(f"tests/nlu_nonsense/ meaningless messages sent to the fallback or out_of_scope: {caught} of"
          f" {len(nonsense)} ({caught / len(nonsense):.1%}; higher is better)"
          + (f"; the rest read as {', '.join(wrong)}" if wrong else ""))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        sys.exit(2)
    sys.exit(asyncio.run(main(sys.argv[1])))
