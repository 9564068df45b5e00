"""Hostile text typed into the widget in Chromium, then read by an admin in the console:
nothing renders as markup anywhere (no injected element, no script runs), and every
string is shown as the text it was."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.agents import PASSWORD, create_agent
from tests.e2e.hostile_strings import INJECTED, TYPEABLE
from tests.e2e.browser.widget_page import ask, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PWNED = "typeof window.__pwned"


@pytest.fixture(scope="module")
def shop(sqlite_stack):
    stack = sqlite_stack
    stack.hostile_admin = create_agent(stack, name="Hana Hostile", role="admin")
    return stack


def _assert_nothing_injected(page, where: str) -> None:
    assert page.evaluate(PWNED) == "undefined", f"a payload's script ran in {where}"
    # Locators pierce the widget's shadow root, so this covers the widget and the page around it.
    assert page.locator(INJECTED).count() == 0, f"a payload became an element in {where}"


def _visitor_texts(page, test_id: str) -> str:
    return "\n".join(page.get_by_test_id(test_id).all_inner_texts())


def test_hostile_text_stays_text_in_the_widget_and_the_console(browser, context, console_page, shop, shot):
    marker = f"hostile-{uuid.uuid4().hex[:10]}"
    first = f'{marker} <img src=x id="pwn-img" onerror="window.__pwned=1">'
    widget = context.new_page()
    errors: list[str] = []
    widget.on("pageerror", lambda exc: errors.append(str(exc)))
    widget.goto(shop.api_url + "/")
    widget.get_by_test_id("launcher").click()
    widget.get_by_test_id("panel").wait_for(state="visible")
    for text in (first, *TYPEABLE.values()):
        ask(widget, text)

    _assert_nothing_injected(widget, "the widget")
    shown = [m.inner_text() for m in widget.locator('[data-testid="message"][data-from="visitor"]').all()]
    sent = [first, *TYPEABLE.values()]
    assert len(shown) == len(sent)
    for text, bubble in zip(sent, shown):
        assert text in bubble
    shot(widget, "widget")
    assert not errors, f"JavaScript errors on the shop page: {errors}"

    # The admin finds the conversation through the list (its URL is an opaque ref, not the sender id).
    page = console_page
    page.goto(f"{shop.api_url}/console/login?next=/console/conversations")
    page.fill("#email", shop.hostile_admin)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{shop.api_url}/console/conversations")
    listed = page.locator("[data-testid=conversation-list] tbody tr", has_text=marker)

    def found() -> bool:
        page.goto(f"{shop.api_url}/console/conversations?q={marker}")
        return listed.count() == 1

    wait_until(page, found, what="the conversation in the console list", timeout=20)
    _assert_nothing_injected(page, "the conversation list")
    assert '<img src=x id="pwn-img"' in listed.inner_text()
    listed.locator("td.snippet a").click()
    page.wait_for_url(lambda url: "/console/conversations/" in url and marker not in url)
    page.get_by_test_id("visitor-message").first.wait_for()

    _assert_nothing_injected(page, "the transcript")
    transcript = _visitor_texts(page, "visitor-message")
    for text in sent:
        assert text in transcript
    shot(page, "transcript")
