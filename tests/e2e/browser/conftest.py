"""A real headless Chromium (Debian's package) driven by Playwright.

Browsers cannot be downloaded here, so Playwright gets Debian's binary through
``executable_path``; `make test` installs the package where it may. Without it
these tests skip, and say why.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import shop_db_session
from tests.e2e.stack import ROOT

ARTIFACTS = ROOT / "var" / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


# One browser per module, not per session: Playwright's sync API keeps an asyncio loop
# marked running on the main thread while it is started, so a browser left open for the
# session breaks every later test that calls asyncio.run() in the same process (under
# pytest-xdist a worker can run other modules after a browser module).
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    path = chromium_path()
    if path is None:
        pytest.skip("Debian's chromium is not installed (`make test` installs it with apt-get where it may; "
                    "Playwright cannot download browsers here)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS, headless=True)
    yield browser
    browser.close()
    playwright.stop()


def _artifact_name(nodeid: str, label: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::")[-1])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{safe}-{label}.png"


@pytest.fixture
def shot(request):
    """``shot(page, "label")`` saves a screenshot to var/test-artifacts/."""

    def take(page, label: str) -> Path:
        path = _artifact_name(request.node.nodeid, label)
        page.screenshot(path=str(path), full_page=False)
        return path

    return take


@pytest.fixture
def context(browser, request) -> Iterator[object]:
    marker = request.node.get_closest_marker("viewport")
    width, height = marker.args if marker else (1280, 860)
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 500,
                                  has_touch=width < 500)
    context.set_default_timeout(20_000)
    yield context
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        for i, page in enumerate(context.pages):
            page.screenshot(path=str(_artifact_name(request.node.nodeid, f"failure-{i}")))
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


WATCH_CSP = """document.addEventListener('securitypolicyviolation',
  e => (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI));"""


@pytest.fixture
def console_page(context) -> Iterator[object]:
    """A page that fails the test on a JavaScript error, a console error or a CSP violation."""
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    # (The browser's own favicon request gets a 404: not the page's business.)
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text} at {m.location.get('url')}")
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico") else None)
    page.add_init_script(WATCH_CSP)
    yield page
    problems += [f"CSP: {v}" for v in page.evaluate("window.__csp || []")]
    assert not problems, problems


@pytest.fixture(scope="module")
def shop(sqlite_stack):
    """The service the pages talk to (modules that need another stack define their own)."""
    return sqlite_stack


@pytest.fixture(scope="module")
def db(shop):
    """A session on ``shop``'s database, to check what the pages show."""
    yield from shop_db_session(shop)
