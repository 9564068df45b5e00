"""Rate limits on visitor traffic, with the `limits` library (memory or Redis storage).

With Redis (``SHOP_RATE_LIMIT_STORAGE=redis://...``) every gateway replica counts into the
same windows. While Redis does not answer, each process counts in its own memory instead
(the same limits, per process) and tries Redis again after ``RETRY_SHARED_SECONDS``: a Redis
restart must not turn every visitor's message into an error, nor lift the limits.
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter, RateLimiter
from redis.exceptions import RedisError

from api.metrics import count_refusal
from bot.settings import Settings

logger = logging.getLogger(__name__)

RETRY_SHARED_SECONDS = 5.0
_STORAGE_DOWN = (StorageError, RedisError, OSError)


class RateLimited(Exception):
    """Too many requests; ``retry_after`` seconds until the next one is allowed."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


class SharedOrLocal:
    """A `limits` strategy on the shared storage, or on this process's memory while that does not answer."""

    def __init__(self, strategy: type[RateLimiter], storage_uri: str) -> None:
        self._shared = strategy(storage_from_string(storage_uri))
        self._local = strategy(MemoryStorage())
        self._shared_down_until = 0.0

    def _call(self, method: str, *args, **kwargs):
        if time.monotonic() >= self._shared_down_until:
            try:
                return getattr(self._shared, method)(*args, **kwargs)
            except _STORAGE_DOWN as exc:
                logger.warning("rate-limit storage unavailable (%s): counting in this process for %.0f s",
                               type(exc).__name__, RETRY_SHARED_SECONDS)
                self._shared_down_until = time.monotonic() + RETRY_SHARED_SECONDS
        return getattr(self._local, method)(*args, **kwargs)

    def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        return self._call("hit", item, *identifiers, cost=cost)

    def get_window_stats(self, item: RateLimitItem, *identifiers: str):
        return self._call("get_window_stats", item, *identifiers)

    def clear(self, item: RateLimitItem, *identifiers: str) -> None:
        self._call("clear", item, *identifiers)


class RateLimits:
    """Named limits (messages, sessions, connections), each checked per key."""

    def __init__(self, settings: Settings) -> None:
        self._limiter = SharedOrLocal(MovingWindowRateLimiter, settings.rate_limit_storage)
        self._limits: dict[str, list[RateLimitItem]] = {
            "messages": parse_many(settings.rate_limit_messages),
            "sessions": parse_many(settings.rate_limit_sessions),
            "connections": parse_many(settings.rate_limit_connections),
            "long_polls": parse_many(settings.rate_limit_long_polls),
            "integration": parse_many(settings.rate_limit_integration),
        }

    def hit(self, name: str, key: str) -> None:
        """Count one request for ``key`` under limit ``name``; raise ``RateLimited`` if over."""
        for item in self._limits[name]:
            if not self._limiter.hit(item, name, key):
                count_refusal(name)
                reset_at, _remaining = self._limiter.get_window_stats(item, name, key)
                raise RateLimited(max(1, math.ceil(reset_at - time.time())))
