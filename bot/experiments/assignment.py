"""Which arm a conversation gets: a pure hash of the experiment and the sender, the same on every replica."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

_SCALE = 2**64


def bucket(*, experiment_id: int, sender_id: str) -> float:
    """A number in [0, 1) fixed by the experiment and the sender alone (no state, no randomness)."""
    digest = hashlib.sha256(f"experiment:{experiment_id}:{sender_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / _SCALE


def assign(*, experiment_id: int, sender_id: str, weights: Sequence[int]) -> int:
    """The position of the arm for ``sender_id``: arms take consecutive slices of [0, 1) by weight."""
    total = sum(weights)
    point = bucket(experiment_id=experiment_id, sender_id=sender_id) * total
    edge = 0
    for position, weight in enumerate(weights):
        edge += weight
        if point < edge:
            return position
    return len(weights) - 1
