"""Rate limits on visitor traffic, with the `limits` library (memory or Redis storage)."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from api.metrics import count_refusal
from bot.settings import Settings


class RateLimited(Exception):
    """Too many requests; ``retry_after`` seconds until the next one is allowed."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


class RateLimits:
    """Named limits (messages, sessions, connections), each checked per key."""

    def __init__(self, settings: Settings) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(settings.rate_limit_storage))
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
