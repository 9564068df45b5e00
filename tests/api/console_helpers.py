"""Logging in to the console in gateway tests (the fixtures are in conftest.py)."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import httpx
from argon2 import PasswordHasher

PASSWORD = "correct horse battery"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
# http.cookiejar files cookies of a dotless host such as "testserver" under "testserver.local".
JAR_DOMAIN = "testserver.local"


def login_token(client, path: str = "/console/login") -> str:
    page = client.get(path)
    assert page.status_code == 200
    return CSRF_FIELD.search(page.text).group(1)


def login(client, email: str, password: str = PASSWORD, **extra) -> httpx.Response:
    data = {"email": email, "password": password, "csrf_token": login_token(client), **extra}
    return client.post("/console/login", data=data, follow_redirects=False)


def logged_in(client, account) -> str:
    response = login(client, account.email)
    assert response.status_code == 303, response.text
    return page_csrf(client)


def page_csrf(client) -> str:
    page = client.get("/console")
    assert page.status_code == 200
    return CSRF_FIELD.search(page.text).group(1)


def set_cookies(response: httpx.Response) -> dict[str, SimpleCookie]:
    cookies = {}
    for header in response.headers.get_list("set-cookie"):
        jar = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            cookies[name] = morsel
    return cookies
