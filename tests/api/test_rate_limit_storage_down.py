"""Rate limits while their shared Redis storage does not answer: counted per process, never an error."""

from __future__ import annotations

import pytest

from api.rate_limit import RateLimited, RateLimits
from bot.settings import Settings
from tests.api.conftest import free_port


def test_with_redis_down_the_limits_still_hold_in_this_process():
    settings = Settings(rate_limit_storage=f"redis://127.0.0.1:{free_port()}", rate_limit_messages="3/minute",
                        secret_key="k" * 48)
    limits = RateLimits(settings)
    for _ in range(3):
        limits.hit("messages", "visitor-1")  # no Redis error reaches the caller
    with pytest.raises(RateLimited):
        limits.hit("messages", "visitor-1")
    limits.hit("messages", "visitor-2")  # other keys keep their own windows


def test_console_logins_are_throttled_in_this_process_while_redis_is_down():
    from api.console.throttle import LoginThrottle

    settings = Settings(rate_limit_storage=f"redis://127.0.0.1:{free_port()}", rate_limit_logins="2/15minutes",
                        secret_key="k" * 48)
    throttle = LoginThrottle(settings)
    for _ in range(2):
        throttle.attempt(email="ann@shop.example", ip="10.0.0.1")
    with pytest.raises(RateLimited):
        throttle.attempt(email="ann@shop.example", ip="10.0.0.1")
    throttle.succeeded(email="ann@shop.example", ip="10.0.0.1")  # clears the email's count, no error
    throttle.attempt(email="ann@shop.example", ip="10.0.0.1")
