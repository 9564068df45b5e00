"""Oversized request headers get 431 before anything parses them (CVE-2024-7592's quadratic cookie parsing)."""

from __future__ import annotations

import pytest
from starlette.testclient import WebSocketDenialResponse

from api.header_limit import MAX_COOKIE_BYTES, MAX_HEADER_BYTES, MAX_TOTAL_BYTES
from tests.api.console_helpers import JAR_DOMAIN, logged_in


def _refused(response, word: str) -> None:
    assert response.status_code == 431, response.text
    body = response.json()
    assert body["error"] == "request header fields too large" and word in body["detail"]


def test_a_cookie_of_backslashes_over_the_limit_gets_431(client):
    _refused(client.get("/health", headers={"Cookie": 'a="' + "\\" * (58 * 1024) + '"'}), "Cookie")


def test_a_cookie_header_just_over_the_limit_gets_431_and_one_at_it_passes(client):
    _refused(client.get("/health", headers={"Cookie": "a=" + "b" * (MAX_COOKIE_BYTES - 1)}), "Cookie")
    assert client.get("/widget.js", headers={"Cookie": "a=" + "b" * (MAX_COOKIE_BYTES - 2)}).status_code == 200


def test_any_other_oversized_header_gets_431(client):
    _refused(client.get("/health", headers={"X-Filler": "x" * MAX_HEADER_BYTES}), "x-filler")


def test_headers_over_the_total_limit_get_431(client):
    count = MAX_TOTAL_BYTES // (MAX_HEADER_BYTES - 100) + 1
    headers = {f"X-Part-{i}": "x" * (MAX_HEADER_BYTES - 100) for i in range(count)}
    _refused(client.get("/health", headers=headers), "in all")


def test_the_console_works_with_its_own_cookies_and_a_shops_worth_of_others(client, staff):
    logged_in(client, staff("agent"))
    for i in range(6):  # other cookies of the shop's domain, e.g. analytics, ~6 KiB in all
        client.cookies.set(f"shop_{i}", "v" * 1000, domain=JAR_DOMAIN)
    assert client.get("/console").status_code == 200
    assert client.get("/api/console/analytics").status_code == 200


def test_a_websocket_handshake_with_an_oversized_cookie_is_denied_before_accept(client):
    with pytest.raises(WebSocketDenialResponse) as denied:
        with client.websocket_connect("/api/sessions/whatever/ws", headers={"Cookie": "a=" + "\\" * 60_000}):
            pass
    _refused(denied.value, "Cookie")
