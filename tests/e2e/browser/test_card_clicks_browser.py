"""A product card's "View" link in the widget, clicked in a real browser: the product page opens in a new
tab and the click is stored for the widget's conversation."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from bot.models import CardClick, Product
from tests.e2e.browser.widget_page import ask, open_widget, page_errors

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
def page(context, shop):
    page = context.new_page()
    errors = page_errors(page)
    page.goto(shop.api_url + "/")
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


def test_clicking_a_cards_view_link_opens_the_product_and_records_the_click(page, context, shop, db, shot):
    open_widget(page)
    ask(page, "what are your best sellers")
    card = page.get_by_test_id("card").first
    card.wait_for(state="visible")
    name = card.locator(".cn").inner_text()
    product = db.scalar(select(Product).where(Product.name == name))
    sid = page.evaluate(f"localStorage.getItem('shopbot:session:{shop.api_url}')")
    assert sid
    try:
        with context.expect_page() as opened:
            card.get_by_role("link").click()
        tab = opened.value
        tab.wait_for_load_state()
        assert tab.url == f"{shop.api_url}/products/{product.slug}"
        assert name in tab.inner_text("body")
        shot(tab, "product-page")
        db.expire_all()
        clicks = db.scalars(select(CardClick).where(CardClick.sender_id == sid)).all()
        assert [c.product_id for c in clicks] == [product.id]
    finally:
        db.execute(delete(CardClick).where(CardClick.sender_id == sid))
        db.commit()
