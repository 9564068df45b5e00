"""Run a check script in Rasa's environment (.venv-rasa, Python 3.10) and read its JSON answer.

The add-ons patch or extend Rasa, so their checks run there; pytest runs in .venv.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
# A small, fixed environment: no user site, no stray PYTHONPATH; the project root importable.
RASA_ENV = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "3"}


def run_in_rasa(*args: str, timeout: float = 300) -> dict:
    """The JSON object the script prints last (``args`` follow the interpreter: a path or ``-c CODE``)."""
    if not RASA_PYTHON.exists():
        pytest.skip("the Rasa environment .venv-rasa is missing: run `make test`, which creates it")
    proc = subprocess.run([str(RASA_PYTHON), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env=RASA_ENV)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])
