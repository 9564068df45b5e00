"""The collaborative-filtering model: implicit's ALS on a customer x item purchase matrix.

Only training needs ``implicit``; the saved model is two factor matrices and their ids,
scored with numpy, so serving loads a small .npz file and nothing else.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

from bot.recs.baskets import Basket

# implicit warns, and slows down, when OpenBLAS runs its own threads inside ALS's;
# the machine is small and shared, so one BLAS thread.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")


@dataclass(frozen=True)
class Params:
    """ALS hyperparameters; weighting is "bm25" or "alpha" (confidence = 1 + alpha * count)."""

    factors: int = 64
    regularization: float = 0.05
    iterations: int = 15
    alpha: float = 1.0
    weighting: str = "bm25"
    bm25_k1: float = 100.0
    bm25_b: float = 0.8

    def label(self) -> str:
        weight = f"bm25(K1={self.bm25_k1:g},B={self.bm25_b:g})" if self.weighting == "bm25" else "counts"
        return (f"factors={self.factors} reg={self.regularization:g} iters={self.iterations} "
                f"alpha={self.alpha:g} {weight}")


def purchase_matrix(baskets: Iterable[Basket], users: dict[str, int], items: dict[str, int]) -> csr_matrix:
    """Customers x items: how many baskets of the customer hold the item."""
    rows, cols = [], []
    for basket in baskets:
        u = users[basket.user]
        for item in basket.items:
            rows.append(u)
            cols.append(items[item])
    data = np.ones(len(rows), dtype=np.float32)
    matrix = csr_matrix((data, (rows, cols)), shape=(len(users), len(items)), dtype=np.float32)
    matrix.sum_duplicates()
    return matrix


def _weighted(matrix: csr_matrix, params: Params) -> csr_matrix:
    if params.weighting == "bm25":
        from implicit.nearest_neighbours import bm25_weight

        return bm25_weight(matrix, K1=params.bm25_k1, B=params.bm25_b).tocsr().astype(np.float32)
    return matrix


def fit_factors(matrix: csr_matrix, params: Params, *, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """(user factors, item factors) of ALS on the customers x items ``matrix``."""
    from implicit.cpu.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, "blas"):
        model = AlternatingLeastSquares(
            factors=params.factors, regularization=params.regularization, alpha=params.alpha,
            iterations=params.iterations, random_state=seed, num_threads=1,
        )
        model.fit(_weighted(matrix, params), show_progress=False)
    return np.asarray(model.user_factors, dtype=np.float32), np.asarray(model.item_factors, dtype=np.float32)


@dataclass
class CFModel:
    """Trained factors with the ids they belong to, and what the model was trained from."""

    user_ids: list[str]
    item_ids: list[str]
    user_factors: np.ndarray
    item_factors: np.ndarray
    params: Params
    meta: dict

    def __post_init__(self) -> None:
        self._users = {u: i for i, u in enumerate(self.user_ids)}
        self._items = {t: i for i, t in enumerate(self.item_ids)}
        norms = np.linalg.norm(self.item_factors, axis=1, keepdims=True)
        self._unit_items = self.item_factors / np.maximum(norms, 1e-9)

    @classmethod
    def train(cls, baskets: Sequence[Basket], params: Params, *, meta: dict | None = None) -> CFModel:
        """Fit ALS on ``baskets``."""
        users = {u: i for i, u in enumerate(sorted({b.user for b in baskets}))}
        items = {t: i for i, t in enumerate(sorted({t for b in baskets for t in b.items}))}
        user_f, item_f = fit_factors(purchase_matrix(baskets, users, items), params)
        return cls(list(users), list(items), user_f, item_f, params, dict(meta or {}))

    def knows_user(self, user: str) -> bool:
        return user in self._users

    def knows_item(self, item: str) -> bool:
        return item in self._items

    def for_user(self, user: str, *, exclude: Iterable[str] = (), limit: int = 10) -> list[str]:
        """The items the model ranks highest for ``user`` (none for an unknown user)."""
        if user not in self._users:
            return []
        scores = self.item_factors @ self.user_factors[self._users[user]]
        return self._top(scores, exclude, limit)

    def also_bought(self, item: str, *, exclude: Iterable[str] = (), limit: int = 10) -> list[str]:
        """Items nearest to ``item`` by cosine of their factors (none for an unknown item)."""
        if item not in self._items:
            return []
        scores = self._unit_items @ self._unit_items[self._items[item]]
        return self._top(scores, [item, *exclude], limit)

    def _top(self, scores: np.ndarray, exclude: Iterable[str], limit: int) -> list[str]:
        scores = scores.astype(np.float64, copy=True)
        for item in exclude:
            if item in self._items:
                scores[self._items[item]] = -np.inf
        order = np.argsort(-scores, kind="stable")[:limit]
        return [self.item_ids[i] for i in order if np.isfinite(scores[i])]

    def save(self, path: Path) -> None:
        """Write the model to ``path`` (an .npz file), atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(
            tmp, user_ids=np.array(self.user_ids), item_ids=np.array(self.item_ids),
            user_factors=self.user_factors, item_factors=self.item_factors,
            meta=np.array(json.dumps({"params": asdict(self.params), **self.meta})),
        )
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> CFModel:
        """Read a model that ``save`` wrote."""
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            params = Params(**meta.pop("params"))
            return cls([str(u) for u in data["user_ids"]], [str(t) for t in data["item_ids"]],
                       data["user_factors"], data["item_factors"], params, meta)
