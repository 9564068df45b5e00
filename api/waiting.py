"""How many requests each source may keep waiting at once (long polls, WebSockets), per process."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from api.metrics import count_refusal


class TooManyWaiting(Exception):
    """The source already holds its share of waiting connections."""


class WaitingSlots:
    """``with slots.hold(source):`` around a request that waits; refuses past ``per_source``."""

    def __init__(self, per_source: int) -> None:
        self.per_source = per_source
        self._held: Counter[str] = Counter()

    @contextmanager
    def hold(self, source: str) -> Iterator[None]:
        if self._held[source] >= self.per_source:
            count_refusal("waiting")
            raise TooManyWaiting(source)
        self._held[source] += 1
        try:
            yield
        finally:
            self._held[source] -= 1
            if self._held[source] <= 0:
                del self._held[source]

    def held(self, source: str) -> int:
        return self._held.get(source, 0)
