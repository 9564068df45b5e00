"""The console's login in a real browser: Debian's Chromium against uvicorn on plain http://127.0.0.1.

Checks what a test client cannot: that Chromium keeps and sends back the Secure,
HttpOnly, SameSite=Lax cookie on a loopback http origin, that scripts cannot read
it, and that the pages work under their Content-Security-Policy.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from sqlalchemy.orm import Session

from bot.db import make_engine
from bot.staff import accounts
from tests.api.served_gateway import served_gateway

CHROMIUM = Path("/usr/bin/chromium")
ADMIN_EMAIL = "browser-admin@example.com"
PASSWORD = "correct horse battery"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium (/usr/bin/chromium) is not installed; "
                                                     "Playwright cannot download browsers here"),
]


def _copy_shop_db(target: Path) -> str:
    """A private copy of the seeded test shop, so the server's writes stay out of the shared DB."""
    source = urlparse(os.environ["SHOP_DATABASE_URL"]).path
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"


@pytest.fixture(scope="module")
def server(shop_db, tmp_path_factory) -> Iterator[str]:
    url = _copy_shop_db(tmp_path_factory.mktemp("console-browser") / "shop.db")
    engine = make_engine(url)
    with Session(engine) as session:
        accounts.create_staff(session, email=ADMIN_EMAIL, name="Browser Admin", role="admin", password=PASSWORD)
        session.commit()
    engine.dispose()
    with served_gateway(url) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"], headless=True
        )
        yield browser
        browser.close()


def test_login_cookie_and_logout_in_chromium(server, browser):
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)

    # An anonymous visit lands on the login form, remembering where it was going.
    page.goto(f"{server}/console/staff")
    assert page.url == f"{server}/console/login?next=%2Fconsole%2Fstaff"

    page.fill("#email", ADMIN_EMAIL)
    page.fill("#password", "not the password")
    page.click("button[type=submit]")
    assert page.locator("#login-error").inner_text() == "Email or password is wrong."

    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/console/staff")
    assert page.locator("h1").inner_text() == "Staff accounts"

    # Chromium stored the Secure cookie although the origin is plain http (loopback counts as secure)...
    cookie = next(c for c in context.cookies() if c["name"] == "shopbot_staff")
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    # ...sends it back, and keeps it from scripts.
    assert "shopbot_staff" not in page.evaluate("document.cookie")
    me = context.request.get(f"{server}/api/console/me")
    assert me.status == 200 and me.json()["email"] == ADMIN_EMAIL

    # The stylesheet applies under the CSP, and nothing was blocked.
    assert page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == "rgb(244, 246, 248)"
    assert csp_errors == []

    # A form post carries the CSRF token and works.
    page.fill("#new-name", "Made In Chromium")
    page.fill("#new-email", "chromium-agent@example.com")
    page.fill("#new-password", "another long password")
    page.click("text=Create account")
    page.wait_for_url(f"{server}/console/staff?done=created")
    assert "chromium-agent@example.com" in page.locator("table").inner_text()

    page.click("text=Log out")
    page.wait_for_url(f"{server}/console/login?logged_out=1")
    assert "You are logged out." in page.inner_text("main")
    assert not [c for c in context.cookies() if c["name"] == "shopbot_staff"]
    page.goto(f"{server}/console")
    assert page.url.startswith(f"{server}/console/login")
    context.close()
