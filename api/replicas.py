"""Which Rasa replica the gateway sends a conversation's turn to.

Every replica can serve every conversation: they share the tracker store, and
Rasa's lock store in Redis keeps two of them from processing one conversation at
once. Still, each replica keeps the trackers it served last in memory
(rasa_addons/tracker_cache.py), so the gateway sends a conversation to the same
replica while that one answers: rendezvous hashing (highest random weight) of the
conversation id over the replica URLs. Conversations spread evenly, and when a
replica is missing only its own conversations move, each to its next choice.

A replica that refused a connection is rested for ``REST_SECONDS``: it goes last in
every order until then, so a dead one costs one refused connection per rest rather
than one per turn, and a restarted one gets its conversations back.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

REST_SECONDS = 5.0


def _weight(key: str, url: str) -> bytes:
    return hashlib.blake2b(f"{url}\x00{key}".encode("utf-8", "surrogatepass"), digest_size=8).digest()


class Replicas:
    """The Rasa replicas' base URLs, in the order a conversation should try them."""

    def __init__(self, urls: list[str], *, clock: Callable[[], float] = time.monotonic) -> None:
        cleaned = [u.strip().rstrip("/") for u in urls if u.strip()]
        if not cleaned:
            raise ValueError("at least one Rasa URL is needed")
        self.urls: tuple[str, ...] = tuple(dict.fromkeys(cleaned))
        self._clock = clock
        self._rested_until: dict[str, float] = {}

    @classmethod
    def from_setting(cls, value: str) -> "Replicas":
        """From ``SHOP_RASA_URL``: one URL, or several separated by commas."""
        return cls(value.split(","))

    def order(self, key: str) -> list[str]:
        """Every replica, the one ``key`` belongs to first; rested replicas last."""
        ranked = sorted(self.urls, key=lambda url: _weight(key, url), reverse=True)
        now = self._clock()
        return sorted(ranked, key=lambda url: self._rested_until.get(url, 0.0) > now)

    def rest(self, url: str) -> None:
        """``url`` refused a connection: try the others first for a while."""
        self._rested_until[url] = self._clock() + REST_SECONDS

    def revive(self, url: str) -> None:
        """``url`` answered."""
        self._rested_until.pop(url, None)
