"""The Rasa training data is consistent (rasa data validate)."""

import subprocess

import pytest
import yaml

from tests.e2e.stack import ROOT


def test_rasa_data_validate_passes():
    rasa = ROOT / ".venv-rasa/bin/rasa"
    if not rasa.exists():
        pytest.skip("the Rasa environment .venv-rasa is missing: run `make test`, which creates it")
    result = subprocess.run([str(rasa), "data", "validate"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


# Answered by rules that depend on what the bot just asked or offered (data/rules/):
# a bare "yes", "no" or order number means nothing on its own.
CONTEXTUAL_INTENTS = {"affirm", "deny", "inform"}


def _rules() -> list[dict]:
    rules = []
    for path in sorted((ROOT / "data/rules").glob("*.yml")):
        rules += yaml.safe_load(path.read_text()).get("rules") or []
    return rules


def test_every_intent_has_a_rule_that_answers_it_anywhere():
    """The dialogue has no ML policy (config.yml): an intent is answered in a conversation
    nobody scripted only if a rule without conditions starts with it. Stories alone are
    remembered only along their exact paths."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    answered = {rule["steps"][0]["intent"] for rule in _rules()
                if not rule.get("condition") and not rule.get("conversation_start") and "intent" in rule["steps"][0]}
    missing = set(domain["intents"]) - answered - CONTEXTUAL_INTENTS
    assert not missing, f"intents without an unconditional rule in data/rules/: {sorted(missing)}"


def test_contextual_intents_have_rules():
    conditional = {rule["steps"][0].get("intent") for rule in _rules() if rule.get("condition")}
    assert CONTEXTUAL_INTENTS <= conditional
