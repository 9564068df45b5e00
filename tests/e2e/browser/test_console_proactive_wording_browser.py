"""Two console pages of issue 20 in a real browser: proactive messages (sent and clicked, against
the database after a real back-in-stock notice and a click on its link) and wording per customer
segment (an admin creates, edits and deletes one through the form; an agent only reads)."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from sqlalchemy import delete, select

from bot.models import ProductVariant, SegmentWording
from bot.proactive import proactive_figures
from tests.e2e.agents import create_agent
from tests.e2e.browser.console import console_errors, log_in, table_rows
from tests.e2e.test_proactive import _transcript, wait_for_good_news

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
WORDING = "Welcome back! As one of our regulars, ask me anything."


@pytest.fixture
def page(console_page):
    return console_page


@pytest.fixture(scope="module")
def agent(shop):
    return create_agent(shop, name="Paula Pro", role="agent")


@pytest.fixture(scope="module")
def admin(shop):
    return create_agent(shop, name="Adam Admin", role="admin")


@pytest.mark.parametrize("path", ["/console/analytics/proactive", "/console/segment-wording"])
def test_a_visitor_who_is_not_logged_in_gets_the_login_page(page, shop, path):
    page.goto(f"{shop.api_url}{path}")
    assert "/console/login" in page.url and page.locator("#password").count() == 1


def test_the_proactive_page_counts_a_notice_sent_and_clicked(page, shop, db, agent, shot):
    sender = f"browser-proactive-{time.monotonic_ns()}"
    listed = shop.chat(sender, "show me running shoes").json()["messages"][0]["custom"]["products"]
    variants = list(db.scalars(select(ProductVariant).where(ProductVariant.product_id == listed[0]["id"])))
    stock = {v.id: v.stock for v in variants}
    try:
        for v in variants:
            v.stock = 0
        db.commit()
        offer = next(m for m in shop.chat(sender, "is the first one in stock?").json()["messages"] if m.get("buttons"))
        shop.say(sender, offer["buttons"][0]["payload"])
        variants[0].stock = 5
        db.commit()
        news = wait_for_good_news(shop, sender)
        assert news, _transcript(shop, shop.sid(sender))
        link = re.search(r"https?://\S+/proactive/c/\S+", news[0]).group(0).rstrip(".")
        clicked = httpx.get(link, follow_redirects=False, timeout=10)
        assert clicked.status_code in (302, 303, 307), clicked.status_code
    finally:
        db.rollback()
        for v in variants:
            db.get(ProductVariant, v.id).stock = stock[v.id]
        db.commit()
    db.expire_all()
    figures = proactive_figures(db)
    widget = next(f for f in figures if f.kind == "back_in_stock" and f.channel == "widget")
    assert widget.sent >= 1 and widget.clicked >= 1

    errors = console_errors(page)
    log_in(page, shop, agent)
    page.goto(f"{shop.api_url}/console/analytics")
    page.get_by_role("link", name="Proactive messages: sent and clicked").click()
    page.wait_for_url(f"{shop.api_url}/console/analytics/proactive")
    shot(page, "proactive")
    rows = table_rows(page, "table-proactive")
    assert [(r[0], r[1]) for r in rows] == [(f.kind.replace("_", " "), f.channel) for f in figures]
    assert [r[2:] for r in rows] == [[str(f.consents_active), str(f.consents_pending), str(f.consents_withdrawn),
                                      str(f.sent), str(f.clicked), str(f.failed)] for f in figures]
    assert errors == []


def test_an_admin_creates_edits_and_deletes_a_segment_wording(context, shop, db, admin, shot):
    # Not console_page: the refused form is answered 400 on purpose, which the browser logs as an error.
    page = context.new_page()
    errors = console_errors(page)
    log_in(page, shop, admin)
    page.get_by_role("link", name="Experiments", exact=True).click()
    page.get_by_role("link", name="Segment wording").click()
    page.wait_for_url(f"{shop.api_url}/console/segment-wording")
    segment = page.locator("#w-segment option").first.get_attribute("value")
    try:
        # a recommendation intro without {lines} would not say what the visitor asked for: refused, form kept
        page.select_option("#w-response", "utter_recommend_best_sellers")
        page.fill("#w-text", "Our picks for you!")
        page.get_by_role("button", name="Save wording").click()
        assert "lines" in page.inner_text("#wording-error")
        assert errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
        errors.clear()
        assert db.scalar(select(SegmentWording).where(SegmentWording.text == "Our picks for you!")) is None

        page.select_option("#w-response", "utter_greet")
        page.select_option("#w-language", "en")
        page.select_option("#w-segment", segment)
        page.fill("#w-text", WORDING)
        page.get_by_role("button", name="Save wording").click()
        page.wait_for_selector("#table-wordings tr[data-wording]")
        db.expire_all()
        stored = db.scalar(select(SegmentWording).where(SegmentWording.text == WORDING))
        assert (stored.response, stored.language, stored.segment) == ("utter_greet", "en", segment)
        wording_id = stored.id
        row = page.locator(f'tr[data-wording="{wording_id}"]')
        assert "utter_greet" in row.inner_text() and segment in row.inner_text()
        shot(page, "created")

        hostile = '<script>window.__pwned = 1</script> Hello again!'
        row.locator("textarea").fill(hostile)
        row.get_by_role("button", name="Save").click()
        page.wait_for_selector(f'tr[data-wording="{wording_id}"]')
        db.expire_all()
        assert db.get(SegmentWording, wording_id).text == hostile
        assert page.evaluate("window.__pwned === undefined")
        assert page.locator(f'tr[data-wording="{wording_id}"] textarea').input_value() == hostile

        page.locator(f'tr[data-wording="{wording_id}"]').get_by_role("button", name="Delete").click()
        page.wait_for_url(f"{shop.api_url}/console/segment-wording*")
        db.expire_all()
        assert db.get(SegmentWording, wording_id) is None
        assert page.locator(f'tr[data-wording="{wording_id}"]').count() == 0
        assert errors == []
    finally:
        db.rollback()
        db.execute(delete(SegmentWording).where(SegmentWording.text.in_(
            [WORDING, '<script>window.__pwned = 1</script> Hello again!', "Our picks for you!"])))
        db.commit()


def test_an_agent_reads_the_wordings_but_gets_no_form(page, shop, agent):
    log_in(page, shop, agent)
    page.goto(f"{shop.api_url}/console/segment-wording")
    assert page.locator("#table-wordings").count() == 1
    assert page.locator("#wording-form").count() == 0 and page.locator("textarea").count() == 0
