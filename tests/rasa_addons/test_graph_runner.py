"""rasa_addons.graph_runner and rule_matching: the trained model predicts as with Rasa's own code.

Runs in .venv-rasa through `graph_runner_side.py`, on the model `make test`
trains before pytest (models/shop.tar.gz).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rasa_addons.rasa_env import ROOT, run_in_rasa

MODEL = ROOT / "models" / "shop.tar.gz"


@pytest.fixture(scope="module")
def result() -> dict:
    if not MODEL.exists():
        pytest.skip("no trained model: `make test` trains models/shop.tar.gz before pytest")
    return run_in_rasa(str(Path(__file__).with_name("graph_runner_side.py")), str(MODEL))


def test_the_processor_loads_models_with_the_sequential_runner(result):
    assert result["installed"]


def test_same_parse_and_same_next_action_as_rasas_dask_runner(result):
    assert result["compared"] == 13
    assert result["differences"] == []
    assert result["intents"] == ["greet", "product_search", "order_status"]  # the graphs really ran


def test_rule_policy_finds_the_same_matching_rules_as_rasa(result):
    rules = result["rules"]
    assert rules["checked"] > 300 and rules["matched"] > 50 and rules["events"] > 100
    assert rules["different"] == []
