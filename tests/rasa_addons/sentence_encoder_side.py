"""Checks of rasa_addons.sentence_encoder: run with .venv-rasa's Python.

    .venv-rasa/bin/python tests/rasa_addons/sentence_encoder_side.py /tmp/some-empty-dir

Embeds a few texts with the numpy encoder and prints one JSON object;
test_sentence_encoder.py compares it with sentence-transformers' output.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rasa_addons import sentence_encoder  # noqa: E402
from rasa_addons.sentence_encoder import encode_cached, shared_encoder  # noqa: E402

TEXTS = ["where is my order", "do you have red running shoes in size 42 under $100?", "ok"]


def main() -> None:
    encoder = shared_encoder()
    embedded = encoder.encode(TEXTS)
    alone = np.stack([encoder.encode_one(t) for t in TEXTS])
    words = ["my parcel never came", "my package has not arrived", "how much is a refund", "a warm winter jacket"]
    similar = encoder.encode(words)
    print(json.dumps({
        "first8": embedded[:, :8].tolist(),
        "norms": np.linalg.norm(embedded, axis=1).tolist(),
        "dot01": float(embedded[0] @ embedded[1]),
        "one_vs_batch": float(np.abs(alone - embedded).max()),
        "parcel_package": float(similar[0] @ similar[1]),
        "parcel_refund": float(similar[0] @ similar[2]),
        "parcel_jacket": float(similar[0] @ similar[3]),
        "empty": np.linalg.norm(encoder.encode([""])[0]).item(),
        "shared": shared_encoder() is encoder,
        "cache": cache_checks(encoder, Path(sys.argv[1]) / "vectors.npz"),
    }))


def cache_checks(encoder, cache: Path) -> dict:
    """What encode_cached embeds on a first training, a second with one new text, and after
    the weights' version changed."""
    embedded: list = []
    encode = encoder.encode
    encoder.encode = lambda texts, **kw: embedded.append(list(texts)) or encode(texts, **kw)
    first = encode_cached(encoder, TEXTS, cache)
    second = encode_cached(encoder, TEXTS + ["a new example"], cache)
    version = sentence_encoder.weights_version
    sentence_encoder.weights_version = lambda: "another"
    third = encode_cached(encoder, TEXTS[:1], cache)
    sentence_encoder.weights_version = version
    encoder.encode = encode
    return {"embedded": embedded, "same_as_direct": float(np.abs(second[:3] - encode(TEXTS)).max()),
            "first_vs_second": float(np.abs(first - second[:3]).max()), "third_rows": len(third)}


if __name__ == "__main__":
    main()
