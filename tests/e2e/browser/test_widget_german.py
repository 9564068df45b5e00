"""The widget on a German page (data-lang="de"), in a real browser against the real service:
German interface, German answers checked against the database, and the page's language
deciding for messages whose words don't tell."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.formatting import money
from bot.models import Order, Product
from bot.seed import DEMO_ORDERS
from tests.e2e.browser.widget_page import ask, open_widget, page_errors
from tests.e2e.responses import said

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Unser Shop</h1><script src="/widget.js" data-lang="de" data-title="Hilfe" async></script></body></html>"""


@pytest.fixture
def page(context, shop):
    page = context.new_page()
    errors = page_errors(page)
    # A shop page of the gateway's own origin that embeds the widget in German.
    page.route(shop.api_url + "/de-shop", lambda route: route.fulfill(body=PAGE, content_type="text/html"))
    page.goto(shop.api_url + "/de-shop")
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


def _last_bot_text(page) -> str:
    """The last bot message's text, without the German label screen readers announce."""
    text = page.locator('[data-testid="message"][data-from="bot"]').all()[-1].inner_text()
    label, _, rest = text.partition("\n")
    assert label == "Assistent:", text  # the interface is German too
    return rest


def test_a_german_visitor_searches_and_checks_an_order_in_the_widget(page, db, shot):
    open_widget(page)
    ask(page, "Hallo, ich suche schwarze Jacken")
    text = _last_bot_text(page)
    assert "Jackets in Schwarz" in text.split("\n")[0], text  # the German summary of the search
    cards = page.get_by_test_id("card")
    cards.first.wait_for(state="visible")
    for card in cards.all():
        product = db.scalar(select(Product).where(Product.name == card.locator(".cn").inner_text()))
        assert product is not None and product.category.slug == "jackets"
        assert money(product.price, lang="de") in card.inner_text()
    shot(page, "german-search")

    demo = DEMO_ORDERS[0]
    order = db.scalar(select(Order).where(Order.number == demo["number"]))
    ask(page, "Und wo steckt eigentlich meine Bestellung?")
    assert said("utter_ask_order_number", _last_bot_text(page), "de"), _last_bot_text(page)
    ask(page, order.number)  # a bare number: the page's language keeps the answer German
    assert said("utter_ask_email", _last_bot_text(page), "de"), _last_bot_text(page)
    ask(page, demo["email"])
    answer = _last_bot_text(page)
    assert said("utter_order_shipped", answer.split("\n")[0], "de"), answer
    assert f"#{order.number}" in answer and order.tracking_number in answer
    shot(page, "german-order")
