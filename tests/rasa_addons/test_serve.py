"""rasa_addons.serve: `rasa run` without TensorFlow when no component of the model needs it.

The model checks load the trained model (models/shop.tar.gz) in Rasa's environment,
once without TensorFlow and once as stock Rasa does (serve_side.py), and compare.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from rasa_addons import serve
from tests.rasa_addons.rasa_env import RASA_ENV, RASA_PYTHON, ROOT, run_in_rasa

MODEL = ROOT / "models" / "shop.tar.gz"
SIDE = str(Path(__file__).with_name("serve_side.py"))


def _need_model() -> None:
    if not MODEL.exists():
        pytest.skip("no trained model: `make test` trains models/shop.tar.gz before pytest")


def _archive(path: Path, components: list[str]) -> Path:
    """A model archive whose metadata's prediction graph uses ``components``."""
    nodes = {f"node{i}": {"uses": name, "fn": "process"} for i, name in enumerate(components)}
    data = json.dumps({"predict_schema": {"nodes": nodes}}).encode()
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture(scope="module")
def left_out() -> dict:
    _need_model()
    return run_in_rasa(SIDE, str(MODEL), "left-out")


@pytest.fixture(scope="module")
def loaded() -> dict:
    _need_model()
    return run_in_rasa(SIDE, str(MODEL), "loaded")


def test_this_projects_model_needs_no_tensorflow():
    _need_model()
    assert serve.needs_tensorflow(serve.prediction_components(MODEL)) == set()
    assert serve.decide(["run", "--model", str(MODEL), "--enable-api"], {}) is None


def test_a_model_with_a_tensorflow_component_gets_tensorflow(tmp_path):
    archive = _archive(tmp_path / "diet.tar.gz", ["rasa.nlu.tokenizers.whitespace_tokenizer.WhitespaceTokenizer",
                                                  "rasa.nlu.classifiers.diet_classifier.DIETClassifier"])
    reason = serve.decide(["run", "--model", str(archive)], {})
    assert reason is not None and "DIETClassifier" in reason and "WhitespaceTokenizer" not in reason


def test_an_unknown_custom_component_gets_tensorflow(tmp_path):
    archive = _archive(tmp_path / "custom.tar.gz", ["my_shop.components.SomethingNew"])
    assert "my_shop.components.SomethingNew" in serve.decide(["run", "-m", str(archive)], {})


def test_the_newest_archive_of_a_folder_is_the_one_checked(tmp_path):
    old = _archive(tmp_path / "old.tar.gz", ["rasa.core.policies.ted_policy.TEDPolicy"])
    new = _archive(tmp_path / "new.tar.gz", ["rasa.core.policies.rule_policy.RulePolicy"])
    os.utime(old, (1, 1))
    assert serve.model_archive(["run", "--model", str(tmp_path)]) == new
    assert serve.decide(["run", f"--model={tmp_path}"], {}) is None


@pytest.mark.parametrize("argv, environ, says", [
    (["run", "--model", "MODEL"], {"SHOP_RASA_TENSORFLOW": "1"}, "SHOP_RASA_TENSORFLOW"),
    (["train"], {}, "only `rasa run`"),
    (["run", "--model", "/nowhere/model.tar.gz"], {}, "no model archive"),
    (["run", "--model", "NOT_AN_ARCHIVE"], {}, "could not be read"),
])
def test_anything_else_keeps_tensorflow(tmp_path, argv, environ, says):
    _need_model()
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file")
    argv = [{"MODEL": str(MODEL), "NOT_AN_ARCHIVE": str(junk)}.get(a, a) for a in argv]
    assert says in serve.decide(argv, environ)


def test_without_tensorflow_the_model_understands_and_predicts_as_with_it(left_out, loaded):
    assert left_out["parses"] == loaded["parses"]
    assert left_out["actions"] == loaded["actions"] == ["action_greet", "utter_shipping_info", "utter_thank"]


def test_tensorflow_is_really_absent_and_a_call_to_it_is_refused(left_out, loaded):
    assert left_out["libraries"] == [] and left_out["tensorflow_version"] == "0+left.out"
    assert left_out["refused"].startswith("TensorFlowLeftOut: tensorflow.constant was called")
    assert "SHOP_RASA_TENSORFLOW=1" in left_out["refused"]
    assert loaded["libraries"] and loaded["tensorflow_version"].startswith("2.") and loaded["refused"] == ""


def test_the_command_line_decides_before_rasa_is_imported():
    """`python -m rasa_addons.serve --version` runs Rasa's command line; `--version` is not `run`: TensorFlow."""
    if not RASA_PYTHON.exists():
        pytest.skip("the Rasa environment .venv-rasa is missing: run `make test`, which creates it")
    ran = subprocess.run([str(RASA_PYTHON), "-m", "rasa_addons.serve", "--version"], cwd=ROOT, env=RASA_ENV,
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert "Rasa Version" in ran.stdout and "3.6." in ran.stdout
    assert "loading TensorFlow: only `rasa run` serves a model" in ran.stderr
