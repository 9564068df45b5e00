"""The widget asks for a 1-5 star rating when a conversation ends, in a real browser against the real service."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot.models import ConversationRating
from bot.transcripts.chat import ChatMessage
from tests.e2e.browser.widget_page import ask, open_widget, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

STATE = "() => localStorage.getItem('shopbot:rate:' + location.origin)"
SHADOW_FOCUS = "() => { const a = document.querySelector('shopbot-widget').shadowRoot.activeElement; " \
               "return a ? (a.getAttribute('data-testid') || a.type) + ':' + (a.value || '') : null; }"


@pytest.fixture(scope="module")
def shop(sqlite_stack):
    return sqlite_stack


@pytest.fixture
def page(context, shop):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(shop.api_url + "/")
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


def _stored(shop, sender_id: str) -> tuple[int, str | None] | None:
    engine = create_engine(shop.shop_db_url)
    with Session(engine) as session:
        row = session.scalar(select(ConversationRating).where(ConversationRating.sender_id == sender_id))
        found = (row.rating, row.comment) if row else None
    engine.dispose()
    return found


def _gateway_marks_the_end() -> bool:
    """Does the gateway hand the widget ChatMessage.ends (api/routes/sessions.py `_out`)?"""
    from api.routes.sessions import _out

    return bool(getattr(_out(ChatMessage(seq=1, sender="bot", text="Bye", timestamp=0.0, ends=True), "s"), "ends", False))


def test_saying_goodbye_asks_for_a_rating_and_4_stars_are_stored(page, shop, shot):
    if not _gateway_marks_the_end():
        pytest.skip("api/routes/sessions.py does not pass ChatMessage.ends to the widget yet "
                    "(`ends=message.ends` in `_out`); closing the panel asks instead (next test)")
    open_widget(page)
    ask(page, "hi")
    ask(page, "bye")
    rating = page.get_by_test_id("rating")
    rating.wait_for(state="visible")
    assert rating.locator("legend").inner_text() == "How was this conversation?"
    page.get_by_test_id("rating-star").nth(3).click()  # the star; its radio is visually hidden
    assert page.get_by_role("radio", name="4 of 5 stars").is_checked()
    assert page.get_by_test_id("rating-star").evaluate_all("ls => ls.map(l => l.classList.contains('on'))") == \
        [True, True, True, True, False]
    page.get_by_test_id("rating-comment").fill("Friendly and quick")
    shot(page, "goodbye-rating")
    page.get_by_test_id("rating-send").click()
    page.get_by_test_id("rating-thanks").wait_for(state="visible")
    sid = page.evaluate("window.ShopBotWidget.sessionId()")
    assert _stored(shop, sid) == (4, "Friendly and quick")
    assert page.evaluate(STATE) == f"{sid} done"


def test_closing_after_a_chat_asks_once_and_works_by_keyboard(page, shop, shot):
    open_widget(page)
    ask(page, "hi")
    ask(page, "bye")
    panel = page.get_by_test_id("panel")
    page.get_by_test_id("close").click()
    # The first close asks for a rating instead (the goodbye may have asked already), focused on the stars.
    rating = page.get_by_test_id("rating")
    rating.wait_for(state="visible")
    assert panel.is_visible()
    assert page.evaluate(SHADOW_FOCUS) == "radio:1"
    sid = page.evaluate("window.ShopBotWidget.sessionId()")
    assert page.evaluate(STATE) == f"{sid} open"
    # Keyboard only: Space picks the first star, arrows move along the group.
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert page.get_by_role("radio", name="4 of 5 stars").is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate(SHADOW_FOCUS).startswith("rating-comment:")
    page.keyboard.type("Found my shoes")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_test_id("rating-thanks").wait_for(state="visible")
    shot(page, "rated-on-close")
    wait_until(page, lambda: _stored(shop, sid) is not None, what="the stored rating")
    assert _stored(shop, sid) == (4, "Found my shoes")
    # Asked once: now closing closes, and after a reload nobody asks again.
    page.get_by_test_id("close").click()
    panel.wait_for(state="hidden")
    page.reload()
    open_widget(page)
    wait_until(page, lambda: page.locator('[data-testid="message"][data-from="bot"]').count() >= 2,
                what="the restored history")
    assert not page.get_by_test_id("rating").is_visible()
    page.get_by_test_id("close").click()
    panel.wait_for(state="hidden")


def test_starting_over_asks_about_the_last_conversation_and_no_thanks_is_kept(page, shop):
    open_widget(page)
    ask(page, "hi")
    ask(page, "thanks")
    old = page.evaluate("window.ShopBotWidget.sessionId()")
    page.get_by_test_id("start-over").click()
    page.get_by_test_id("start-over-confirm").click()
    rating = page.get_by_test_id("rating")
    rating.wait_for(state="visible")
    assert rating.locator("legend").inner_text() == "How was your last conversation?"
    wait_until(page, lambda: page.evaluate("window.ShopBotWidget.sessionId()") not in (None, old),
                what="the new session")
    assert page.locator('[data-testid="message"]:not([data-local])').count() == 0  # a new conversation
    page.get_by_test_id("rating-skip").click()
    rating.wait_for(state="detached")
    assert page.evaluate(STATE) == f"{old} done"
    assert _stored(shop, old) is None
    # The new conversation has no messages yet: closing just closes.
    page.get_by_test_id("close").click()
    page.get_by_test_id("panel").wait_for(state="hidden")


def test_a_bad_rating_answer_keeps_the_prompt_and_says_so(page, shop):
    open_widget(page)
    ask(page, "hi")
    ask(page, "hello")
    page.get_by_test_id("close").click()
    page.get_by_test_id("rating").wait_for(state="visible")
    page.get_by_test_id("rating-send").click()  # no star chosen
    assert "Please choose 1 to 5 stars." in page.get_by_test_id("rating").inner_text()
    page.route("**/rating", lambda route: route.fulfill(status=500, body="{}"))
    page.get_by_test_id("rating-star").nth(1).click()
    page.get_by_test_id("rating-send").click()
    wait_until(page, lambda: "could not be sent" in page.get_by_test_id("rating").inner_text(),
                what="the failure notice")
    page.unroute("**/rating")
    page.get_by_test_id("rating-send").click()
    page.get_by_test_id("rating-thanks").wait_for(state="visible")
    assert _stored(shop, page.evaluate("window.ShopBotWidget.sessionId()")) == (2, None)
