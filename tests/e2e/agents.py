"""Support agents for the real stack: an account in the stack's shop DB, and a console session over HTTP."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie

import httpx
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from bot.db import make_engine
from bot.staff import accounts
from tests.e2e.stack import Stack

PASSWORD = "correct horse battery"
# Cheap hashing: the stack's gateway verifies with whatever parameters the hash names.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_PAGE_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def create_agent(stack: Stack, *, name: str, role: str = "agent") -> str:
    """Create a staff account in the stack's shop DB; returns its email (the password is PASSWORD)."""
    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:6]}@example.com"
    engine = make_engine(stack.shop_db_url)
    try:
        with Session(engine) as session:
            accounts.create_staff(session, email=email, name=name, role=role, password=PASSWORD, hasher=FAST)
            session.commit()
    finally:
        engine.dispose()
    return email


def _cookies(response: httpx.Response) -> dict[str, str]:
    found: dict[str, str] = {}
    for header in response.headers.get_list("set-cookie"):
        jar = SimpleCookie()
        jar.load(header)
        found.update({name: morsel.value for name, morsel in jar.items()})
    return found


def console_login(stack: Stack, email: str, *, landing: str = "/console") -> tuple[str, str]:
    """Log in over HTTP: the session's Cookie header, and the CSRF token of the ``landing`` page."""
    page = httpx.get(f"{stack.api_url}/console/login", timeout=10)
    nonce = _cookies(page)["shopbot_login_csrf"]
    response = httpx.post(
        f"{stack.api_url}/console/login", timeout=10,
        data={"email": email, "password": PASSWORD, "csrf_token": _FORM_TOKEN.search(page.text).group(1)},
        headers={"Cookie": f"shopbot_login_csrf={nonce}"},
    )
    assert response.status_code == 303, response.text
    cookie = f"shopbot_staff={_cookies(response)['shopbot_staff']}"
    home = httpx.get(f"{stack.api_url}{landing}", headers={"Cookie": cookie}, timeout=10)
    assert home.status_code == 200, home.text
    return cookie, _PAGE_TOKEN.search(home.text).group(1)


@dataclass
class AgentHttp:
    """A logged-in console session over plain http://127.0.0.1.

    The console's cookies are Secure: browsers send them to http://127.0.0.1 (a secure
    context), httpx's cookie jar does not, so this client carries them by hand.
    """

    api_url: str
    cookie: str
    csrf: str

    @classmethod
    def login(cls, stack: Stack, email: str) -> AgentHttp:
        cookie, csrf = console_login(stack, email, landing="/console/live")
        return cls(api_url=stack.api_url, cookie=cookie, csrf=csrf)

    def get(self, path: str, **kwargs) -> httpx.Response:
        return httpx.get(self.api_url + path, headers={"Cookie": self.cookie}, timeout=40, **kwargs)

    def post(self, path: str, **data: str) -> httpx.Response:
        return httpx.post(self.api_url + path, data=data, timeout=30,
                          headers={"Cookie": self.cookie, "X-CSRF-Token": self.csrf})
