"""The held-out NLU sets stay held out: no message of theirs is in the training data,
and each covers every intent with enough messages to measure it (make quality)."""

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT = tuple(line.split()[1] for line in (ROOT / "tests/heldout_sets.txt").read_text().splitlines()
                 if line.strip() and not line.startswith("#"))
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def _normalised(text: str) -> str:
    """Message text without entity markup, case, punctuation or repeated spaces."""
    text = _ANNOTATION.sub(r"\1", text).lower()
    return " ".join(re.sub(r"[^\w@#.]+", " ", text).split()).strip(" .")


def _examples(folder: str) -> list[tuple[str, str]]:
    """(intent, message) pairs of every NLU file in ``folder``."""
    pairs = []
    for path in sorted((ROOT / folder).rglob("*.yml")):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            if "intent" in block:
                pairs += [(block["intent"], line.strip()[2:]) for line in block["examples"].splitlines()
                          if line.strip().startswith("- ")]
    return pairs


def _domain_intents() -> set[str]:
    return set(yaml.safe_load((ROOT / "domain.yml").read_text())["intents"]) - {"nlu_fallback"}


def test_normalising_ignores_markup_case_and_punctuation():
    assert _normalised('Do you have [Nike](brand) [trainers]{"entity": "category", "value": "sneakers"}?!') == \
        "do you have nike trainers"


@pytest.mark.parametrize("folder", HELD_OUT)
def test_no_held_out_message_is_in_the_training_data(folder):
    training = {_normalised(text) for _, text in _examples("data/nlu")}
    leaked = [text for _, text in _examples(folder) if _normalised(text) in training]
    assert not leaked, f"held-out messages copied into data/nlu/: {leaked}"


@pytest.mark.parametrize("folder", HELD_OUT)
def test_every_intent_has_at_least_ten_held_out_messages(folder):
    counts = Counter(intent.split("/")[0] for intent, _ in _examples(folder))
    expected = _domain_intents()
    assert set(counts) == expected, f"intents missing from {folder}: {sorted(expected - set(counts))}"
    thin = {intent: n for intent, n in counts.items() if n < 10}
    assert not thin, f"intents with fewer than 10 held-out messages in {folder}: {thin}"
