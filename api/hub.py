"""In-process fan-out of live frames to a conversation's open connections.

Frames are only wake-up calls and typing signals: messages themselves are always
read from the tracker store by seq, so a frame lost (another replica, a restart)
delays a message by at most the connection's re-read interval and never loses
or duplicates one.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

WAKE: dict[str, Any] = {"type": "wake"}
_QUEUE_SIZE = 64


class Hub:
    """Subscribers per session id; ``publish`` never blocks."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)

    @contextmanager
    def subscribe(self, session_id: str) -> Iterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=_QUEUE_SIZE)
        self._subscribers[session_id].add(queue)
        try:
            yield queue
        finally:
            subscribers = self._subscribers.get(session_id)
            if subscribers is not None:
                subscribers.discard(queue)
                if not subscribers:
                    del self._subscribers[session_id]

    def publish(self, session_id: str, frame: dict[str, Any]) -> None:
        for queue in list(self._subscribers.get(session_id, ())):
            try:
                queue.put_nowait(frame)
            except asyncio.QueueFull:
                pass  # a slow reader re-reads the store anyway

    def wake(self, session_id: str) -> None:
        """Tell the session's connections that new messages are stored."""
        self.publish(session_id, WAKE)

    def connections(self, session_id: str) -> int:
        return len(self._subscribers.get(session_id, ()))
