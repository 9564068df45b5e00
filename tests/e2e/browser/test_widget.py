"""The demo shop and its chat widget in a real browser, against the real service."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select

from bot.formatting import money
from bot.models import Order, Product
from bot.seed import DEMO_ORDERS
from tests.e2e.browser.widget_page import answered_after, ask, open_widget, page_errors, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
def page(context, shop):
    page = context.new_page()
    errors = page_errors(page)
    page.goto(shop.api_url + "/")
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


def _bot_texts(page) -> list[str]:
    return [m.inner_text() for m in page.locator('[data-testid="message"][data-from="bot"]').all()]


def _last_bot_text(page) -> str:
    return _bot_texts(page)[-1]


def test_demo_shop_shows_the_catalog_and_the_widget_answers_with_real_product_cards(page, db, shop, shot):
    assert page.locator("h1, header").first.is_visible()
    product_links = page.locator('a[href^="/products/"]')
    assert product_links.count() > 0
    open_widget(page)
    assert page.get_by_test_id("input").evaluate("el => el === el.getRootNode().activeElement")
    ask(page, "show me running shoes under 100 dollars")
    cards = page.get_by_test_id("card")
    cards.first.wait_for(state="visible")
    assert cards.count() >= 1
    for card in cards.all():
        text_ = card.inner_text()
        name = card.locator(".cn").inner_text()
        product = db.scalar(select(Product).where(Product.name == name))
        assert product is not None, f"card {name!r} is not in the catalog"
        assert product.category.slug == "running-shoes" and product.price <= Decimal("100")
        assert money(product.price) in text_
        # The gateway's counted link to the product (tests/e2e/browser/test_card_clicks_browser.py follows one).
        link = card.get_by_role("link")
        assert link.get_attribute("href").startswith(f"{shop.api_url}/cards/c/")
    shot(page, "product-cards")


def test_order_status_with_verification_and_a_quick_reply_then_the_history_survives_a_reload(page, db, shop, shot):
    base_url = shop.api_url
    late = next(o for o in DEMO_ORDERS if o["number"] == "100004")
    order = db.scalar(select(Order).where(Order.number == late["number"]))
    open_widget(page)
    ask(page, "where is my order?")
    assert "order number" in _last_bot_text(page).lower()
    ask(page, late["number"])
    assert "email" in _last_bot_text(page).lower()
    ask(page, late["email"])
    answer = _last_bot_text(page)
    assert f"#{order.number}" in answer and "late" in answer.lower()
    assert order.tracking_number in answer
    replies = page.get_by_test_id("quick-reply")
    assert [r.inner_text() for r in replies.all()][-2:] == ["Talk to a person", "No, I'll wait"]
    before = page.get_by_test_id("message").count()
    replies.filter(has_text="No, I'll wait").click()
    wait_until(page, lambda: answered_after(page, before), what="the answer to a quick reply")
    visitor = [m.inner_text() for m in page.locator('[data-testid="message"][data-from="visitor"]').all()]
    assert visitor[-1].strip().endswith("No, I'll wait")
    shot(page, "before-reload")
    stored = page.locator('[data-testid="message"]:not([data-local])')
    transcript = [m.inner_text() for m in stored.all()]
    session_id = page.evaluate("window.ShopBotWidget.sessionId()")

    page.reload()
    open_widget(page)
    wait_until(page, lambda: stored.count() >= len(transcript), what="the restored history")
    assert page.evaluate("window.ShopBotWidget.sessionId()") == session_id
    restored = [m.inner_text() for m in stored.all()]
    assert restored == transcript  # the same messages in the same order, none twice
    shot(page, "after-reload")

    # ... and the history comes from the server: a new browser profile with only the id sees it too.
    history = httpx.get(f"{base_url}/api/sessions/{session_id}/messages", timeout=10).json()
    assert any(late["email"] in (m["text"] or "") for m in history["messages"])


def test_bot_and_visitor_text_is_never_rendered_as_html(page):
    open_widget(page)
    ask(page, '<img src=x onerror="window.__pwned=1"><b>bold</b>')
    assert page.evaluate("window.__pwned") is None
    shown = page.locator('[data-testid="message"][data-from="visitor"]').last.inner_text()
    assert "<img src=x" in shown
    message = page.locator('[data-testid="message"][data-from="visitor"]').last
    assert message.locator("img, b").count() == 0


def test_the_widget_is_usable_with_the_keyboard_only(page, shot):
    page.get_by_test_id("launcher").focus()
    page.keyboard.press("Enter")
    page.get_by_test_id("panel").wait_for(state="visible")
    assert page.get_by_test_id("input").evaluate("el => el === el.getRootNode().activeElement")
    page.keyboard.type("hi")
    page.keyboard.press("Enter")
    page.locator('[data-testid="message"][data-from="bot"]').first.wait_for()
    launcher = page.get_by_test_id("launcher")
    assert launcher.get_attribute("aria-expanded") == "true"
    # Every control in the panel is reachable with Tab and has an accessible name.
    focused_name = """() => {
        let el = document.activeElement;
        const inWidget = !!(el && el.shadowRoot);
        while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
        const name = el ? (el.getAttribute('aria-label') || el.innerText || el.getAttribute('placeholder') || '') : '';
        return inWidget ? name.trim() : null;
    }"""
    page.keyboard.press("Tab")
    assert page.evaluate(focused_name) == page.get_by_test_id("send").evaluate(
        "el => (el.getAttribute('aria-label') || el.innerText).trim()")
    page.keyboard.press("Shift+Tab")
    names = []
    for _ in range(3):  # close, start over, then the launcher (which closes the panel too)
        page.keyboard.press("Shift+Tab")
        names.append(page.evaluate(focused_name))
    assert all(names), f"focus left the widget or reached a control without a name: {names}"
    close_name = page.get_by_test_id("close").evaluate("el => (el.getAttribute('aria-label') || el.innerText).trim()")
    assert close_name in names
    log = page.get_by_test_id("messages")
    assert log.get_attribute("aria-live") == "polite" and log.get_attribute("role") == "log"
    page.keyboard.press("Escape")
    page.get_by_test_id("panel").wait_for(state="hidden")
    assert launcher.get_attribute("aria-expanded") == "false"
    assert launcher.evaluate("el => el === el.getRootNode().activeElement")
    shot(page, "keyboard")


@pytest.mark.viewport(360, 740)
def test_a_360_px_phone_screen(page, shot):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    open_widget(page)
    box = page.get_by_test_id("panel").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    ask(page, "black hoodies")
    page.get_by_test_id("card").first.wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    send = page.get_by_test_id("send").bounding_box()
    assert send["x"] + send["width"] <= 360 and send["height"] >= 32  # a finger-sized target
    shot(page, "phone-360")


def test_pushed_messages_appear_live_and_survive_a_dropped_connection(page, shop, shot):
    open_widget(page)
    ask(page, "hello")
    session_id = page.evaluate("window.ShopBotWidget.sessionId()")
    # Another tab of the same visitor asks something: this page gets it pushed, without polling or reload.
    httpx.post(f"{shop.api_url}/api/sessions/{session_id}/messages",
               json={"text": "do you ship to canada", "client_id": "other-tab-1"}, timeout=30)
    page.locator('[data-testid="message"][data-from="visitor"]', has_text="do you ship to canada").wait_for()

    # The gateway goes away: the widget says it is offline, then reconnects by itself.
    shop.kill("api")
    page.get_by_test_id("offline-banner").wait_for(state="visible", timeout=30_000)
    shot(page, "offline")
    shop.restart("api")
    page.get_by_test_id("offline-banner").wait_for(state="hidden", timeout=60_000)
    httpx.post(f"{shop.api_url}/api/sessions/{session_id}/messages",
               json={"text": "thank you", "client_id": "other-tab-2"}, timeout=30)
    page.locator('[data-testid="message"][data-from="visitor"]', has_text="thank you").wait_for()
    page.wait_for_timeout(1500)
    seqs = page.locator('[data-testid="message"]').evaluate_all("els => els.map(e => e.dataset.seq).filter(Boolean)")
    assert len(seqs) == len(set(seqs)), f"a message was shown twice: {seqs}"
    assert seqs == sorted(seqs, key=int)
    shot(page, "reconnected")


def test_start_over_begins_a_new_conversation(page):
    open_widget(page)
    ask(page, "hi")
    first = page.evaluate("window.ShopBotWidget.sessionId()")
    page.get_by_test_id("start-over").click()
    page.get_by_test_id("start-over-confirm").click()
    page.wait_for_function("(id) => window.ShopBotWidget.sessionId() && window.ShopBotWidget.sessionId() !== id", arg=first)
    assert page.locator('[data-testid="message"][data-from="visitor"]').count() == 0


def test_without_websockets_the_widget_falls_back_to_long_polling(context, shop):
    # A proxy or network that refuses WebSockets: every attempt is closed at once.
    context.route_web_socket("**/api/sessions/*/ws*", lambda ws: ws.close())
    page = context.new_page()
    page.goto(shop.api_url + "/")
    open_widget(page)
    ask(page, "hi")
    session_id = page.evaluate("window.ShopBotWidget.sessionId()")
    httpx.post(f"{shop.api_url}/api/sessions/{session_id}/messages",
               json={"text": "what payment methods do you take", "client_id": "no-ws-1"}, timeout=30)
    page.locator('[data-testid="message"][data-from="visitor"]', has_text="what payment methods").wait_for(timeout=40_000)
    seqs = page.locator('[data-testid="message"]').evaluate_all("els => els.map(e => e.dataset.seq).filter(Boolean)")
    assert len(seqs) == len(set(seqs))


def test_a_turn_interrupted_by_a_dying_replica_shows_one_moment_and_is_sent_again(page):
    """A Rasa replica that dies with the message (api/rasa_client.py) makes the gateway answer 503
    "turn interrupted"; the widget says "One moment…" and sends it again with the same client_id.
    The first answer is stood in for here (the real one, from a killed replica: tests/e2e/test_scale_out.py)."""
    sent: list[dict] = []

    def interrupt_once(route):
        if route.request.method != "POST":  # the history and long polls pass
            route.continue_()
            return
        sent.append(route.request.post_data_json)
        if len(sent) == 1:
            route.fulfill(status=503, headers={"Retry-After": "1", "Content-Type": "application/json"},
                          body='{"error": "turn interrupted", "detail": "One moment please"}')
        else:
            route.continue_()

    page.route("**/api/sessions/*/messages", interrupt_once)
    open_widget(page)
    # Whether "One moment…" ever shows, seen by the page itself: polling from here could miss it.
    page.evaluate("""() => {
      const root = [...document.querySelectorAll("*")].map(e => e.shadowRoot)
        .find(r => r && r.querySelector('[data-testid="panel"]'));
      window.__moment = false;
      new MutationObserver(() => { if (root.textContent.includes("One moment")) window.__moment = true; })
        .observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
    }""")
    box = page.get_by_test_id("input")
    box.fill("how long does delivery take?")
    box.press("Enter")
    mine = page.locator('[data-testid="message"][data-from="visitor"]').last
    wait_until(page, lambda: len(sent) >= 1, what="the widget's POST of the message")
    wait_until(page, lambda: _bot_texts(page) and "working days" in _last_bot_text(page),
               what=f"the answer (requests seen: {sent})")
    assert page.evaluate("window.__moment"), "the one-moment notice never showed"
    assert len(sent) == 2 and sent[0]["client_id"] == sent[1]["client_id"]
    assert page.locator('[data-testid="message"][data-from="visitor"]').count() == 1
    assert mine.get_attribute("data-state") == "sent"
