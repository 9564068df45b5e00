"""Reviewing a real conversation in Chromium: log in, filter the list, open the transcript,
relabel a message and download the NLU training data it became."""

from __future__ import annotations

import uuid

import pytest
import yaml

from bot.conversation_refs import conversation_ref
from tests.e2e.agents import PASSWORD, create_agent

pytestmark = [pytest.mark.e2e, pytest.mark.browser]



@pytest.fixture(scope="module")
def shop(sqlite_stack):
    """The stack with an admin account and one conversation no other test has."""
    stack = sqlite_stack
    name = f"br-review-{uuid.uuid4().hex[:8]}"
    stack.say(name, "do you have red hiking backpacks")
    stack.review_sender = stack.sid(name)  # the id the gateway issued
    stack.review_email = create_agent(stack, name="Rita Reviewer", role="admin")
    return stack


@pytest.fixture
def page(console_page):
    return console_page


def test_filter_open_relabel_and_export_in_chromium(page, shop, shot, tmp_path):
    page.goto(f"{shop.api_url}/console/login?next=/console/conversations")
    page.fill("#email", shop.review_email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{shop.api_url}/console/conversations")
    assert page.get_by_role("link", name="Conversations", exact=True).get_attribute("aria-current") == "page"

    # Find the conversation by its words and intent; the filters end up in a bookmarkable URL.
    page.fill("#f-q", "hiking backpacks")
    page.select_option("#f-intent", "product_search")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(lambda url: "/console/conversations?" in url)
    assert "q=hiking+backpacks" in page.url and "intent=product_search" in page.url
    rows = page.locator('[data-testid="conversation-list"] tbody tr')
    assert rows.count() >= 1
    ref = conversation_ref(shop.review_sender, key=shop.secret_key)  # the console never shows the sender id
    row = page.locator(f'tr[data-ref="{ref}"]')
    assert "do you have red hiking backpacks" in row.inner_text()
    shot(page, "list")
    row.get_by_role("link", name="do you have red hiking backpacks").click()
    page.wait_for_url(lambda url: url.endswith(f"/console/conversations/{ref}"))

    message = page.get_by_test_id("visitor-message").first
    assert "do you have red hiking backpacks" in message.inner_text()
    assert message.get_by_test_id("intent").inner_text() == "product_search"
    message.locator("summary").click()
    message.locator("select[name=intent]").select_option("product_search")
    message.locator("input[name=markup]").fill("do you have [red](color) [hiking backpacks](category)")
    message.get_by_role("button", name="Save relabelling").click()
    page.wait_for_url(lambda url: "done=relabelled" in url)
    assert "Message relabelled" in page.get_by_role("status").inner_text()
    correction = page.get_by_test_id("correction").first
    assert "[red](color) [hiking backpacks](category)" in correction.inner_text()
    shot(page, "relabelled")

    with page.expect_download() as info:
        page.get_by_test_id("export-nlu").click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    data = yaml.safe_load(target.read_text())
    assert data["version"] == "3.1"
    assert data["nlu"] == [{"intent": "product_search",
                            "examples": "- do you have [red](color) [hiking backpacks](category)\n"}]
    assert page.evaluate("getComputedStyle(document.querySelector('.review-panel')).position") == "sticky"
