"""Conversation tests: tests/stories with the trained model (NLU and dialogue)."""

import json
import subprocess

import pytest

from tests.e2e.stack import ROOT, ensure_model


def test_every_conversation_flow_passes(tmp_path):
    rasa = ROOT / ".venv-rasa/bin/rasa"
    if not rasa.exists():
        pytest.skip("the Rasa environment .venv-rasa is missing: run `make test`, which creates it")
    ensure_model()
    result = subprocess.run(
        [str(rasa), "test", "core", "--stories", "tests/stories", "--model", "models/shop.tar.gz",
         "--out", str(tmp_path), "--no-plot"],
        cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    failed = (tmp_path / "failed_test_stories.yml").read_text()
    assert "story:" not in failed, "failed conversation tests:\n" + failed[-4000:]
    report = json.loads((tmp_path / "story_report.json").read_text())
    assert report["conversation_accuracy"]["accuracy"] == 1.0, report["conversation_accuracy"]
