"""Checks of rasa_addons.sentence_encoder and token_vectors: run with .venv-rasa's Python.

    .venv-rasa/bin/python tests/rasa_addons/sentence_encoder_side.py

Embeds a few texts with the numpy encoder and the word-piece table and prints one
JSON object; test_sentence_encoder.py compares it with sentence-transformers' output.
"""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rasa_addons.sentence_encoder import shared_encoder  # noqa: E402
from rasa_addons.token_vectors import PieceVectors  # noqa: E402

TEXTS = ["where is my order", "do you have red running shoes in size 42 under $100?", "ok"]


def main() -> None:
    encoder = shared_encoder()
    embedded = encoder.encode(TEXTS)
    vectors = PieceVectors.build()
    words = ["parcel", "package", "refund", "jacket", "coat", "invoice"]
    piece = vectors.embed(words)
    copy = pickle.loads(pickle.dumps(vectors))
    print(json.dumps({
        "first8": embedded[:, :8].tolist(),
        "norms": np.linalg.norm(embedded, axis=1).tolist(),
        "dot01": float(embedded[0] @ embedded[1]),
        "similar": {f"{a}/{b}": float(piece[words.index(a)] @ piece[words.index(b)])
                    for a in words for b in words if a < b},
        "one_vs_batch": float(np.abs(vectors.embed_one(TEXTS[1]) - vectors.embed(TEXTS)[1]).max()),
        "pickled_same": bool(np.array_equal(copy.embed(TEXTS), vectors.embed(TEXTS))),
        "empty": vectors.embed_one("").tolist()[:3],
        "made_up": float(np.abs(vectors.embed_one("snorblat ]]]]")).max()),
        "known_beside_made_up": float(vectors.embed_one("snorblat parcel") @ vectors.embed_one("parcel")),
        "table_rows": int(vectors._table.shape[0]),
    }))


if __name__ == "__main__":
    main()
