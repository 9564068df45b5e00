"""Three marketing pages of the console in a real browser: customer segments (RFM), stock-out warnings
with unmet demand, and one customer's recommendations. Each is reached through the console's links as
staff would, and what it shows is checked against the bot's services on the stack's shop DB."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import delete, func, select

from bot.catalog.unmet import record_unmet_search
from bot.models import Customer, Order, UnmetKind, UnmetSearch
from bot.recommendations import for_customer
from bot.segments import refresh_segments, segment_overview
from bot.stockout.warnings import stock_warnings
from tests.e2e.agents import create_agent
from tests.e2e.browser.console import log_in, table_rows

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PAGES = ("/console/analytics/segments", "/console/analytics/stock", "/console/recommendations")


@pytest.fixture(scope="module")
def shop(sqlite_stack):
    """The stack with an agent account: these pages need a staff login, not the admin role."""
    stack = sqlite_stack
    stack.marketing_agent = create_agent(stack, name="Mark Eting")
    return stack


@pytest.fixture
def page(console_page):
    return console_page


def _assert_laid_out(page) -> None:
    """No sideways scrolling of the whole page, a heading, and no error page in place of the content."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page.locator("main h1").count() == 1
    assert "Traceback" not in page.inner_text("body") and "Internal Server Error" not in page.inner_text("body")


def test_the_segments_page_shows_each_segments_size_and_value_as_the_service_computes_them(page, shop, db, shot):
    refresh_segments(db)  # as the aggregates job does; a recomputation, so nothing to restore
    db.commit()
    log_in(page, shop, shop.marketing_agent)
    page.get_by_role("link", name="Analytics", exact=True).click()
    page.wait_for_url(f"{shop.api_url}/console/analytics")
    page.get_by_role("link", name="Customer segments (RFM)").click()
    page.wait_for_url(f"{shop.api_url}/console/analytics/segments")
    assert page.locator('nav a[aria-current="page"]').inner_text() == "Analytics"
    shown = table_rows(page, "table-segments")
    db.expire_all()
    overview = segment_overview(db)
    assert overview.segments, "the seeded shop has customers with orders"
    assert [[r[0], r[1], r[3], r[8], r[9]] for r in shown] == [
        [s.segment, str(s.customers), f"{s.revenue:,.2f}", str(s.customers_30_days_ago), str(s.customers_90_days_ago)]
        for s in overview.segments]
    assert f"{overview.customers} customers" in page.inner_text("p.lead")
    # ...and the service's total is the number of customers with a kept order, counted directly.
    assert sum(s.customers for s in overview.segments) == overview.customers
    _assert_laid_out(page)
    shot(page, "segments")


def test_the_stock_page_lists_the_services_warnings_in_order_with_unmet_demand(page, shop, db, shot):
    marker = f"browser-unmet-{uuid.uuid4().hex[:8]}"
    risks = [w for w in stock_warnings(db) if w.sku]
    try:
        record_unmet_search(db, text=f"{marker} umbrella", kind=UnmetKind.OUT_OF_STOCK, sender_id=marker)
        if risks:  # an unmet search naming a product about to sell out counts on that product's row
            name = risks[0].what.rsplit(" (", 1)[0]
            db.add(UnmetSearch(query_text=f"{name} please", normalized_query=f"{marker} {name.lower()}",
                               kind=UnmetKind.OUT_OF_STOCK, sender_id=marker))
        db.commit()
        log_in(page, shop, shop.marketing_agent)
        page.get_by_role("link", name="Analytics", exact=True).click()
        page.wait_for_url(f"{shop.api_url}/console/analytics")
        page.get_by_role("link", name="Stock-out warnings and unmet demand").click()
        page.wait_for_url(f"{shop.api_url}/console/analytics/stock")
        shown = table_rows(page, "table-stock")
        db.expire_all()
        warnings = stock_warnings(db)
        assert [r[0] for r in shown] == [w.what for w in warnings]
        assert [r[4] for r in shown] == [str(w.searches_out_of_stock) for w in warnings]
        assert [f"{marker} umbrella", "—", "—", "0.0", "1"] in shown
        if risks:
            row = next(r for r in shown if r[0] == risks[0].what)
            assert int(row[4]) >= 1 and row[1] == str(risks[0].stock)
        assert page.inner_text("#table-stock caption") == f"{len(warnings)} warnings"
        _assert_laid_out(page)
        shot(page, "stock")
    finally:
        db.rollback()
        db.execute(delete(UnmetSearch).where(UnmetSearch.sender_id == marker))
        db.commit()


def _a_customer_with_orders(db) -> str:
    return db.scalar(select(Customer.email).join(Order, Order.customer_id == Customer.id)
                     .group_by(Customer.id).order_by(func.count().desc(), Customer.id).limit(1))


def test_the_recommendations_page_shows_the_services_picks_for_a_customer_searched_by_email(page, shop, db, shot):
    email = _a_customer_with_orders(db)
    log_in(page, shop, shop.marketing_agent)
    page.get_by_role("link", name="Recommendations", exact=True).click()
    page.wait_for_url(f"{shop.api_url}/console/recommendations")
    page.fill("#recs-email", email.upper())  # staff type emails as they come
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/console/recommendations?email=*")
    picks = for_customer(db, email=email, limit=5)
    assert picks, "a customer with orders gets rule picks"
    assert table_rows(page, "table-recs-rules") == [[str(i), h.name, h.category, str(h.stock)]
                                                for i, h in enumerate(picks, 1)]
    assert page.input_value("#recs-email") == email.upper()
    has_model = (shop.workdir / "recs" / "model.npz").exists()
    assert page.locator("#recs-no-model").count() == (0 if has_model else 1)
    if not has_model:
        assert page.inner_text("#recs-cold") == "The model does not know this customer yet: the bot uses the rules."
        assert table_rows(page, "table-recs-model") == [["None"]]
    _assert_laid_out(page)
    shot(page, "recommendations")

    page.fill("#recs-email", f"nobody-{uuid.uuid4().hex[:6]}@example.com")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/console/recommendations?email=nobody-*")
    assert page.inner_text("#recs-unknown") == "No customer with that email."
    assert page.locator("#table-recs-rules").count() == 0


def test_bad_input_in_the_customer_search_gets_a_polite_answer(page, shop):
    log_in(page, shop, shop.marketing_agent)
    page.goto(f"{shop.api_url}/console/recommendations")
    # Garbage typed into the field: the browser's own validation stops it, and the page stays.
    page.fill("#recs-email", "not an email <b>")
    page.get_by_role("button", name="Show").click()
    assert page.url == f"{shop.api_url}/console/recommendations"
    assert page.evaluate("document.getElementById('recs-email').validationMessage")
    # Typed into the address bar instead: script tags stay text, and no such customer is found.
    script = '<script>window.__pwned=1</script>@example.com'
    page.goto(f"{shop.api_url}/console/recommendations?email={script}")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.input_value("#recs-email") == script
    assert page.inner_text("#recs-unknown") == "No customer with that email."
    _assert_laid_out(page)
    # Longer than any email: the page says so (it used to be the API's JSON error instead of the page).
    response = page.goto(f"{shop.api_url}/console/recommendations?email={'9' * 5000}@example.com")
    assert response.status == 200
    assert page.inner_text("#recs-email-problem") == "An email address has at most 254 characters."
    assert page.locator("#recs-unknown, #table-recs-rules").count() == 0
    _assert_laid_out(page)


@pytest.mark.parametrize("path", PAGES)
def test_a_visitor_who_is_not_logged_in_is_sent_to_the_login(page, shop, path):
    page.goto(f"{shop.api_url}{path}")
    page.wait_for_url(f"{shop.api_url}/console/login**")
    assert page.locator("#password").is_visible()
    assert "segment" not in page.inner_text("main").lower() and "Customer email" not in page.inner_text("body")


def test_an_agent_sees_the_pages_an_admin_only_page_refuses(page, shop):
    """These pages, like the analytics dashboard, are for every staff member; the staff page is admin-only."""
    log_in(page, shop, shop.marketing_agent)
    for path in PAGES:
        assert page.goto(f"{shop.api_url}{path}").status == 200, path
        _assert_laid_out(page)
    # (Fetched with the page's cookies rather than opened: the browser logs a 403 document as a console error.)
    refused = page.request.get(f"{shop.api_url}/console/staff")
    assert refused.status == 403 and "Admins only" in refused.text()
