"""A live handoff in two real browsers: a visitor in the demo shop's widget, an agent in the console."""

from __future__ import annotations

import pytest

from bot.conversation_refs import conversation_ref
from tests.e2e.agents import PASSWORD, create_agent

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

JOINED = "Anna from our support team joined the chat."
LEFT = "Anna left the chat. The assistant is back — ask me anything."


@pytest.fixture(scope="module")
def shop(sqlite_stack):
    return sqlite_stack


def _messages(page, sender: str):
    return page.locator(f'[data-testid="message"][data-from="{sender}"]')


def _say(page, text: str) -> None:
    box = page.get_by_test_id("input")
    box.fill(text)
    box.press("Enter")
    _messages(page, "visitor").filter(has_text=text).last.wait_for()


def test_an_agent_joins_the_visitors_widget_from_the_console_and_leaves_again(browser, context, shop, shot):
    errors: list[str] = []
    visitor = context.new_page()
    visitor.on("pageerror", lambda exc: errors.append(f"visitor: {exc}"))
    agent_context = browser.new_context(viewport={"width": 1280, "height": 860})
    agent_context.set_default_timeout(20_000)
    agent = agent_context.new_page()
    agent.on("pageerror", lambda exc: errors.append(f"agent: {exc}"))
    try:
        # The visitor asks for a person in the widget on the demo shop.
        visitor.goto(shop.api_url + "/")
        visitor.get_by_test_id("launcher").click()
        visitor.get_by_test_id("panel").wait_for(state="visible")
        _say(visitor, "I want to talk to a human")
        _messages(visitor, "bot").filter(has_text="colleague").wait_for()
        sid = visitor.evaluate("window.ShopBotWidget.sessionId()")

        # The agent logs in and finds the chat in the live queue (it refreshes by itself).
        email = create_agent(shop, name="Anna Berg")
        agent.goto(shop.api_url + "/console/live")
        agent.get_by_label("Email").fill(email)
        agent.get_by_label("Password").fill(PASSWORD)
        agent.get_by_role("button", name="Log in").click()
        agent.wait_for_url("**/console/live")
        ref = conversation_ref(sid, key=shop.secret_key)  # the console names the chat by ref, not the session id
        row = agent.locator('[data-testid="queue-row"]', has_text=f"Visitor {ref}")
        row.wait_for(timeout=30_000)
        assert "waiting" in row.inner_text()
        shot(agent, "agent-queue")
        row.get_by_role("link").click()
        agent.wait_for_url("**/console/live/*")
        log = agent.get_by_test_id("console-log")
        log.locator('[data-from="visitor"]', has_text="I want to talk to a human").wait_for()

        # Taking the chat tells the visitor who joined.
        agent.get_by_test_id("take").click()
        agent.get_by_test_id("reply-form").wait_for(state="visible")
        assert agent.get_by_test_id("live-status").inner_text() == "with Anna Berg"
        _messages(visitor, "system").filter(has_text=JOINED).wait_for()

        # The agent types (the widget shows it) and sends; the reply appears in the widget under her name.
        agent.get_by_test_id("reply-input").press_sequentially("Hi, this is Anna", delay=20)
        visitor.get_by_test_id("typing").wait_for(state="visible")
        agent.get_by_test_id("reply-input").press_sequentially(". How can I help?", delay=5)
        agent.get_by_test_id("reply-input").press("Enter")
        reply = _messages(visitor, "agent").filter(has_text="Hi, this is Anna. How can I help?")
        reply.wait_for()
        assert "Anna" in reply.inner_text()
        log.locator('[data-from="agent"]', has_text="How can I help?").wait_for()

        # The visitor answers: the agent sees it live, and the bot says nothing.
        bot_before = _messages(visitor, "bot").count()
        _say(visitor, "My parcel 100004 is late")
        log.locator('[data-from="visitor"]', has_text="My parcel 100004 is late").wait_for()
        visitor.wait_for_timeout(2000)
        assert _messages(visitor, "bot").count() == bot_before
        shot(visitor, "visitor-with-agent")
        shot(agent, "agent-chat")

        # Handing back: the visitor is told, and the bot answers again.
        agent.get_by_test_id("hand-back").click()
        agent.get_by_test_id("reply-form").wait_for(state="hidden")
        assert agent.get_by_test_id("live-status").inner_text() == "closed"
        _messages(visitor, "system").filter(has_text=LEFT).wait_for()
        _say(visitor, "what payment methods do you accept")
        _messages(visitor, "bot").nth(bot_before).wait_for()
        shot(visitor, "visitor-after-hand-back")
        shot(agent, "agent-after-hand-back")
        assert not errors, errors
    finally:
        agent_context.close()
