"""`make train` decides what to retrain from scripts/lib.sh's part hashes; these check its wording."""

import subprocess

from tests.e2e.stack import ROOT

TRAINED = "\n".join([
    "config.yml aaa", "domain.yml bbb", "data/knowledge ccc", "data/nlu ddd", "data/stories+rules eee",
    "rasa_addons(NLU) fff",
])


def lib(tmp_path, snippet: str, *, trained: str = TRAINED) -> str:
    (tmp_path / "shop.tar.gz").write_bytes(b"model")
    (tmp_path / ".parts").write_text(trained + "\n")
    script = f'source scripts/lib.sh; MODEL="{tmp_path}/shop.tar.gz"; PARTS="{tmp_path}/.parts"; {snippet}'
    return subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def test_only_nlu_examples_changed(tmp_path):
    want = TRAINED.replace("data/nlu ddd", "data/nlu xxx")
    assert lib(tmp_path, f'changed_parts "{want}"') == "data/nlu"
    assert "only the NLU is retrained" in lib(tmp_path, f'retrain_reason "{want}"')


def test_stories_and_config_changes_are_named(tmp_path):
    want = TRAINED.replace("config.yml aaa", "config.yml x").replace("data/stories+rules eee", "data/stories+rules y")
    assert lib(tmp_path, f'changed_parts "{want}"') == "config.yml, data/stories+rules"
    assert lib(tmp_path, f'retrain_reason "{want}"').startswith("config.yml, data/stories+rules changed")


def test_nothing_changed(tmp_path):
    assert lib(tmp_path, 'trained_parts') == TRAINED
    assert lib(tmp_path, f'changed_parts "{TRAINED}"') == ""


def test_no_model_yet(tmp_path):
    assert lib(tmp_path, f'rm "$MODEL"; retrain_reason "{TRAINED}"') == "no trained model yet"


def test_two_trainings_at_once_run_one_after_the_other(tmp_path):
    # Two pytest workers (or `make run` during `make train`) calling ensure_model together
    # must not run two `rasa train` into the same files: the second waits for the first.
    log = tmp_path / "log"
    snippet = (f'ensure_model_unlocked() {{ echo "start $WHO" >> "{log}"; sleep 0.4; echo "end $WHO" >> "{log}"; }}; '
               '(WHO=a ensure_model) & (WHO=b ensure_model) & wait')
    subprocess.run(["bash", "-c", f"source scripts/lib.sh; {snippet}"], cwd=ROOT, check=True)
    lines = log.read_text().split()
    pairs = [" ".join(lines[i:i + 2]) for i in range(0, len(lines), 2)]
    assert len(pairs) == 4 and pairs[0].split()[0] == "start" and pairs[1] == pairs[0].replace("start", "end"), pairs
