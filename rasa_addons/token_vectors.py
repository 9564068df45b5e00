"""Dense sentence features for the intent classifier: MiniLM's view of each word piece, averaged.

The TF-IDF n-grams of ``linear_nlu`` know only the words of the training data, so a
visitor who says the same thing in other words ("my parcel never came" where training
says "where is my order") gets a flat probability and lands on the fallback. A vector
per word piece that a pretrained sentence encoder gives it puts "parcel" near
"package" and "delivery" without a training line that says so.

Running the encoder on every message costs 5-15 ms of CPU on this machine's two cores
(a six-layer transformer reads its 42 MB of weights per message), more than the whole
bot's budget of 15 ms (issue 16). So, as model2vec does, the encoder is run once per
word piece of its vocabulary, alone between [CLS] and [SEP], at training time; a message
is then the mean of its words' vectors: a tokenizer call and a few additions. Only
words the encoder's vocabulary has whole count (see ``_whole_words``). The
table (30,522 pieces, float16, 23 MB) is stored in the trained model, so serving needs
neither the encoder nor its weights, only ``tokenizers``. Each row is centred (the mean
row is subtracted: it is what every piece shares, mostly [CLS] and [SEP]) and scaled to
unit length, which scored better on the development set and in cross-validation.

Computing the table takes about half a minute on two cores, so it is kept in
``var/nlu/`` and reused by every later training on the machine, cross-validation folds
included.
"""

from __future__ import annotations

import logging
from pathlib import Path
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

logger = logging.getLogger(__name__)

DIMENSION = 384
CACHE_FOLDER = Path("var/nlu")
BATCH = 512


def _piece_table(cache: Optional[Path]) -> np.ndarray:
    """One centred, unit-length row per word piece of the encoder's vocabulary."""
    from rasa_addons.sentence_encoder import shared_encoder

    if cache is not None and cache.is_file():
        table = np.load(cache)
        if table.ndim == 2 and table.shape[1] == DIMENSION:
            return table
        logger.warning("%s has the wrong shape %s; computing the word-piece vectors again", cache, table.shape)
    encoder = shared_encoder()
    size = encoder.vocabulary_size
    logger.info("Computing MiniLM vectors of its %d word pieces (once per machine; cached in %s)", size, cache)
    cls_id, sep_id = encoder.special_ids
    pieces = np.arange(size)
    rows = []
    for start in range(0, size, BATCH):
        chunk = pieces[start:start + BATCH]
        ids = np.stack([np.full(len(chunk), cls_id), chunk, np.full(len(chunk), sep_id)], axis=1)
        rows.append(encoder.encode_ids(ids))
    table = np.concatenate(rows)
    table -= table.mean(axis=0)
    table /= np.maximum(np.linalg.norm(table, axis=1, keepdims=True), 1e-9)
    table = table.astype(np.float16)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(".partial.npy")
        np.save(partial, table)
        partial.replace(cache)  # never a half-written cache for a concurrent training
    return table


def _whole_words(encoding: Any) -> List[int]:
    """The pieces that are a whole word of the encoder's vocabulary, letters or digits.

    A word split into pieces is rare, misspelt or made up ("snorblat" is sn-or-bla-t):
    the n-grams read those, and their pieces' vectors would only give gibberish a
    meaning. Punctuation carries none either.
    """
    pieces_per_word = Counter(w for w in encoding.word_ids if w is not None)
    return [piece for piece, word, token in zip(encoding.ids, encoding.word_ids, encoding.tokens)
            if word is not None and pieces_per_word[word] == 1 and token.isalnum()]


class PieceVectors:
    """A message's vector: the unit-length mean of its word pieces' rows."""

    dimension = DIMENSION

    def __init__(self, tokenizer_json: str, table: np.ndarray) -> None:
        self._tokenizer_json = tokenizer_json
        self._table = table
        self._tokenizer = self._load_tokenizer(tokenizer_json)

    @staticmethod
    def _load_tokenizer(tokenizer_json: str) -> Any:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_str(tokenizer_json)
        tokenizer.no_padding()
        tokenizer.no_truncation()
        return tokenizer

    @classmethod
    def build(cls, cache_folder: Optional[Path] = CACHE_FOLDER) -> "PieceVectors":
        """The table of the installed weights; computed, or read from the cache of this version."""
        from rasa_addons.sentence_encoder import shared_encoder, weights_version

        cache = None if cache_folder is None else cache_folder / f"minilm_piece_vectors-{weights_version()}.npy"
        return cls(shared_encoder().tokenizer_json, _piece_table(cache))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        for row, encoding in enumerate(self._tokenizer.encode_batch([t or "" for t in texts], add_special_tokens=False)):
            out[row] = self._mean(_whole_words(encoding))
        return out

    def embed_one(self, text: str) -> np.ndarray:
        return self._mean(_whole_words(self._tokenizer.encode(text or "", add_special_tokens=False)))

    def _mean(self, ids: Sequence[int]) -> np.ndarray:
        if not ids:
            return np.zeros(DIMENSION, dtype=np.float32)
        total = self._table[np.asarray(ids)].astype(np.float32).sum(axis=0)
        norm = float(np.sqrt(total @ total))
        return total / norm if norm > 0 else total

    def __getstate__(self) -> Dict[str, Any]:
        return {"tokenizer_json": self._tokenizer_json, "table": self._table}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.__init__(state["tokenizer_json"], state["table"])  # type: ignore[misc]
