"""Throttling of console password attempts, per email and per client IP (the `limits` library)."""

from __future__ import annotations

import hashlib
import math
import time

from limits import RateLimitItem, parse_many
from limits.strategies import FixedWindowRateLimiter

from api.rate_limit import RateLimited, SharedOrLocal
from bot.settings import Settings


def _key(text: str) -> str:
    # Hashed so the (possibly shared Redis) storage holds no email addresses.
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class LoginThrottle:
    """An attempt counts *before* its password is checked, so concurrent guesses cannot all
    slip past the limit; a success refunds it and clears its email's count (not the IP's).

    A fixed window, because only a counter can be refunded (a moving window's entries cannot);
    at a window's edge an email gets at most twice its limit.
    """

    def __init__(self, settings: Settings) -> None:
        # While a shared Redis does not answer, counted in this process (api/rate_limit.py).
        self._limiter = SharedOrLocal(FixedWindowRateLimiter, settings.rate_limit_storage)
        self._per_email = parse_many(settings.rate_limit_logins)
        self._per_ip = parse_many(settings.rate_limit_login_ips)

    def _email_limits(self, email: str) -> list[tuple[RateLimitItem, str, str]]:
        return [(item, "console-login-email", _key(email)) for item in self._per_email]

    def _ip_limits(self, ip: str) -> list[tuple[RateLimitItem, str, str]]:
        return [(item, "console-login-ip", ip) for item in self._per_ip]

    def attempt(self, *, email: str, ip: str) -> None:
        """Count one password attempt; raise ``RateLimited`` (counting nothing) when the email or
        the IP has used up its attempts."""
        taken: list[tuple[RateLimitItem, str, str]] = []
        for limit in self._email_limits(email) + self._ip_limits(ip):
            taken.append(limit)
            if not self._limiter.hit(*limit):
                self._refund(taken)
                reset_at, _remaining = self._limiter.get_window_stats(*limit)
                raise RateLimited(max(1, math.ceil(reset_at - time.time())))

    def refund(self, *, email: str, ip: str) -> None:
        """Give back an attempt whose password was never judged wrong (e.g. a refused new password)."""
        self._refund(self._email_limits(email) + self._ip_limits(ip))

    def succeeded(self, *, email: str, ip: str) -> None:
        """The password was right: refund the IP's attempt and forget the email's failures."""
        self._refund(self._ip_limits(ip))
        for item, namespace, key in self._email_limits(email):
            self._limiter.clear(item, namespace, key)

    def _refund(self, limits: list[tuple[RateLimitItem, str, str]]) -> None:
        for item, namespace, key in limits:
            self._limiter.hit(item, namespace, key, cost=-1)  # a fixed window's counter goes down by one


def wait_phrase(retry_after: int) -> str:
    """"15 minutes" / "1 minute": how long a throttled staff member waits, in whole minutes."""
    minutes = max(1, math.ceil(retry_after / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
