"""The Rasa training data is consistent (rasa data validate)."""

import subprocess

import pytest

from tests.e2e.stack import ROOT


def test_rasa_data_validate_passes():
    rasa = ROOT / ".venv-rasa/bin/rasa"
    if not rasa.exists():
        pytest.skip("the Rasa environment .venv-rasa is missing: run `make test`, which creates it")
    result = subprocess.run([str(rasa), "data", "validate"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
