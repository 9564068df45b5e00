"""The console's stock-out warnings in a real browser (issue 20), after a visitor found a product sold out
in chat ("is the first one in stock?"): the row is shown with that product, as the service computes it.
The other checks of the insights pages are in test_console_marketing_pages.py; the helpers here are shared
with test_console_proactive_wording_browser.py."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import delete, select

from bot.catalog.unmet import tidy_text
from bot.models import Product, ProductVariant, UnmetSearch
from bot.stockout.warnings import stock_warnings
from tests.e2e.agents import create_agent
from tests.e2e.browser.console import console_errors, log_in, table_rows

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
def page(console_page):
    return console_page


@pytest.fixture(scope="module")
def agent(shop):
    return create_agent(shop, name="Ines Insight", role="agent")


def test_the_stock_page_lists_the_warnings_and_a_product_visitors_found_sold_out(page, shop, db, agent, shot):
    sender = f"insights-stock-{time.monotonic_ns()}"
    listed = shop.chat(sender, "show me hiking boots").json()["messages"][0]["custom"]["products"]
    product = db.get(Product, listed[0]["id"])
    variants = list(db.scalars(select(ProductVariant).where(ProductVariant.product_id == product.id)))
    stock = {v.id: v.stock for v in variants}
    try:
        for v in variants:
            v.stock = 0
        db.commit()
        reply = shop.say(sender, "is the first one in stock?")
        assert "sold out" in reply.lower() or "out of stock" in reply.lower(), reply
        db.expire_all()
        warnings = stock_warnings(db)
        asked = [w for w in warnings if w.searches_out_of_stock and tidy_text(product.name) in tidy_text(w.what)]
        assert asked, [w.what for w in warnings]
        errors = console_errors(page)
        log_in(page, shop, agent)
        page.goto(f"{shop.api_url}/console/analytics")
        page.get_by_role("link", name="Stock-out warnings and unmet demand").click()
        page.wait_for_url(f"{shop.api_url}/console/analytics/stock")
        shot(page, "stock")
        rows = table_rows(page, "table-stock")
        assert [r[0] for r in rows] == [w.what for w in warnings]
        assert [r[3] for r in rows] == [f"{w.days_of_cover:.1f}" for w in warnings]
        assert [r[4] for r in rows] == [str(w.searches_out_of_stock) for w in warnings]
        assert any(tidy_text(product.name) in tidy_text(r[0]) and int(r[4]) >= 1 for r in rows)
        assert page.inner_text("#table-stock caption") == f"{len(warnings)} warnings"
        assert errors == []
    finally:
        db.rollback()
        for v in variants:
            db.get(ProductVariant, v.id).stock = stock[v.id]
        db.execute(delete(UnmetSearch).where(UnmetSearch.sender_id == shop.sid(sender)))
        db.commit()
