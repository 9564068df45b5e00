"""Throttling of failed console logins, per email and per client IP (the `limits` library)."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterator

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from api.rate_limit import RateLimited
from bot.settings import Settings


def _key(text: str) -> str:
    # Hashed so the (possibly shared Redis) storage holds no email addresses.
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class LoginThrottle:
    """Only failures count; a success clears its email's count (not the IP's)."""

    def __init__(self, settings: Settings) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(settings.rate_limit_storage))
        self._per_email = parse_many(settings.rate_limit_logins)
        self._per_ip = parse_many(settings.rate_limit_login_ips)

    def _limits(self, email: str, ip: str | None) -> Iterator[tuple[RateLimitItem, str, str]]:
        for item in self._per_email:
            yield item, "console-login-email", _key(email)
        if ip is not None:
            for item in self._per_ip:
                yield item, "console-login-ip", ip

    def check(self, *, email: str, ip: str) -> None:
        """Raise ``RateLimited`` while the email or the IP has used up its failures."""
        for item, namespace, key in self._limits(email, ip):
            if not self._limiter.test(item, namespace, key):
                reset_at, _remaining = self._limiter.get_window_stats(item, namespace, key)
                raise RateLimited(max(1, math.ceil(reset_at - time.time())))

    def failed(self, *, email: str, ip: str) -> None:
        """Count one failed login."""
        for item, namespace, key in self._limits(email, ip):
            self._limiter.hit(item, namespace, key)

    def succeeded(self, *, email: str) -> None:
        """Forget the email's failures after a successful login."""
        for item, namespace, key in self._limits(email, None):
            self._limiter.clear(item, namespace, key)


def wait_phrase(retry_after: int) -> str:
    """"15 minutes" / "1 minute": how long a throttled staff member waits, in whole minutes."""
    minutes = max(1, math.ceil(retry_after / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
