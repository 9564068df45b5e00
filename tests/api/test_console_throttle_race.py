"""Concurrent password guesses cannot race past the console's throttle: each attempt counts before its check."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.staff import accounts
from tests.api.console_helpers import FAST, PASSWORD, logged_in, login_token

GUESSES = 30
LIMIT = 5


class CountingHasher:
    """The fast test hasher, slowed down and counting, so that guesses overlap as they would in argon2."""

    def __init__(self) -> None:
        self.verified = 0
        self._lock = threading.Lock()

    def verify(self, hashed: str, password: str) -> bool:
        with self._lock:
            self.verified += 1
        time.sleep(0.2)
        return FAST.verify(hashed, password)

    def __getattr__(self, name: str):
        return getattr(FAST, name)


@pytest.fixture
def hasher(monkeypatch) -> CountingHasher:
    counting = CountingHasher()
    monkeypatch.setattr(accounts, "password_hasher", lambda: counting)
    return counting


@pytest.fixture
def client(console, monkeypatch):
    monkeypatch.setenv("SHOP_RATE_LIMIT_LOGINS", f"{LIMIT}/15minutes")
    monkeypatch.setenv("SHOP_RATE_LIMIT_LOGIN_IPS", "100/15minutes")
    return console()


def _concurrently(send) -> list[int]:
    with ThreadPoolExecutor(GUESSES) as pool:
        return [response.status_code for response in pool.map(lambda _: send(), range(GUESSES))]


def test_thirty_concurrent_wrong_logins_verify_at_most_the_limit(client, staff, hasher):
    agent = staff("agent")
    token = login_token(client)
    codes = _concurrently(lambda: client.post(
        "/console/login", data={"email": agent.email, "password": "a guess", "csrf_token": token},
        follow_redirects=False,
    ))
    assert hasher.verified <= LIMIT
    assert codes.count(400) == hasher.verified and codes.count(429) == GUESSES - hasher.verified


def test_thirty_concurrent_wrong_current_passwords_verify_at_most_the_limit(client, staff, hasher):
    agent = staff("agent")
    csrf = logged_in(client, agent)
    hasher.verified = 0
    form = {"csrf_token": csrf, "current_password": "a guess", "new_password": "a new password 123",
            "repeat_password": "a new password 123"}
    codes = _concurrently(lambda: client.post("/console/account/password", data=form, follow_redirects=False))
    assert hasher.verified <= LIMIT
    assert codes.count(400) == hasher.verified and codes.count(429) == GUESSES - hasher.verified


def test_a_right_password_after_limit_minus_one_failures_logs_in_and_is_refunded(client, staff, hasher):
    agent = staff("agent")
    for _ in range(LIMIT - 1):
        assert login_token(client) and client.post(
            "/console/login", data={"email": agent.email, "password": "a guess", "csrf_token": login_token(client)},
            follow_redirects=False,
        ).status_code == 400
    token = login_token(client)
    right = {"email": agent.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/console/login", data=right, follow_redirects=False).status_code == 303
    client.cookies.clear()
    # Refunded and cleared: the full allowance of failures is there again, then the limit.
    for _ in range(LIMIT):
        wrong = {"email": agent.email, "password": "a guess", "csrf_token": login_token(client)}
        assert client.post("/console/login", data=wrong, follow_redirects=False).status_code == 400
    last = {"email": agent.email, "password": PASSWORD, "csrf_token": login_token(client)}
    assert client.post("/console/login", data=last, follow_redirects=False).status_code == 429


def test_successful_logins_from_one_address_do_not_use_up_its_allowance(console, staff, monkeypatch):
    monkeypatch.setenv("SHOP_RATE_LIMIT_LOGIN_IPS", "3/15minutes")
    client = console()
    for _ in range(5):  # an office of staff behind one address
        token = login_token(client)
        response = client.post("/console/login", data={"email": staff("agent").email, "password": PASSWORD,
                                                        "csrf_token": token}, follow_redirects=False)
        assert response.status_code == 303
        client.cookies.clear()
