"""The console's analytics dashboard in a real browser: charts drawn under the console's CSP,
and the figures in its tables equal to the JSON the charts are drawn from."""

from __future__ import annotations


import httpx
import pytest

from tests.e2e.agents import create_agent
from tests.e2e.browser.console import log_in, table_rows

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHARTS = ("per-day", "containment", "fallback", "intents", "confidence", "handoffs", "ratings", "unmet")


@pytest.fixture(scope="module")
def shop(sqlite_stack):
    """The stack with some conversations of today, one of them rated, and an agent account."""
    stack = sqlite_stack
    for lines in (["hi", "bye"], ["pfff", "and then", "talk to a human"],
                  ["show me running shoes under 100 dollars", "thanks"]):
        sid = httpx.post(f"{stack.api_url}/api/sessions", timeout=10).json()["session_id"]
        for text in lines:
            stack.say(sid, text)
    rated = httpx.post(f"{stack.api_url}/api/sessions/{sid}/rating", json={"rating": 4}, timeout=10)
    assert rated.status_code == 200
    email = create_agent(stack, name="Ana Lyst")
    stack.analyst_email = email
    return stack


@pytest.fixture
def page(console_page):
    return console_page


def _log_in(page, shop) -> None:
    log_in(page, shop, shop.analyst_email)


def _rows(page, table: str) -> list[list[str]]:
    return table_rows(page, f"table-{table}")


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f} %"


def _drawn(page) -> dict:
    page.wait_for_selector('#analytics[data-charts="drawn"]')
    return page.evaluate("fetch(document.getElementById('analytics').dataset.source).then(r => r.json())")


def test_the_dashboard_draws_every_chart_and_its_tables_show_the_same_figures(page, shop, shot):
    _log_in(page, shop)
    page.get_by_role("link", name="Analytics").click()
    page.wait_for_url(f"{shop.api_url}/console/analytics")
    data = _drawn(page)
    for name in CHARTS:
        canvas = page.locator(f"#chart-{name}")
        box = canvas.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, name
        assert page.evaluate(f"!!Chart.getChart(document.getElementById('chart-{name}'))"), name
        assert canvas.get_attribute("role") == "img" and "table below" in canvas.get_attribute("aria-label")
    shot(page, "dashboard")

    assert data["conversations"] >= 3 and page.inner_text("#sum-conversations") == str(data["conversations"])
    assert [[r[1]] for r in _rows(page, "per-day")] == [[str(d["conversations"])] for d in data["per_day"]]
    days = page.eval_on_selector_all("#table-per-day time", "ts => ts.map(t => t.getAttribute('datetime'))")
    assert days == [d["day"] for d in data["per_day"]]
    c = data["containment"]
    assert c["handed_over"] >= 1 and c["contained"] >= 2
    assert _rows(page, "containment") == [
        ["Conversations", str(c["conversations"])], ["Resolved without a person", str(c["contained"])],
        ["Handed to a person", str(c["handed_over"])], ["Containment rate", _pct(c["rate"])]]
    f = data["fallback"]
    assert _rows(page, "fallback") == [
        ["Conversations", str(f["conversations"]), str(c["conversations"]), _pct(f["conversation_rate"])],
        ["Visitor messages", str(f["messages"]), str(f["visitor_messages"]), _pct(f["message_rate"])]]
    assert _rows(page, "intents") == [[r["intent"], str(r["messages"])] for r in data["top_intents"]]
    expected_confidence = [[r["intent"], str(r["messages"]), f"{r['mean_confidence']:.2f}"] for r in data["low_confidence"]]
    assert _rows(page, "confidence") == (expected_confidence or
                                         [["No intent had 5 typed messages in this period."]])
    assert _rows(page, "handoffs") == [[r["reason"].replace("_", " "), str(r["requests"])] for r in data["handoff_reasons"]]
    assert _rows(page, "ratings") == [[str(r["stars"]), str(r["ratings"])] for r in data["ratings"]["distribution"]]
    assert data["ratings"]["count"] >= 1
    assert page.inner_text("#sum-rating") == f"{data['ratings']['mean']:.2f}"
    unmet = [[r["query"], str(r["searches"]), str(r["no_results"]), str(r["out_of_stock"]), r["example"]]
             for r in data["unmet"]["top"]]
    assert [r[:5] for r in _rows(page, "unmet")] == (unmet or [["No unmet searches in this period."]])

    # The chart shows the same numbers as the table (Chart.js keeps them on the chart object).
    shown = page.evaluate("Chart.getChart(document.getElementById('chart-per-day')).data.datasets[0].data")
    assert shown == [d["conversations"] for d in data["per_day"]]
    shown = page.evaluate("Chart.getChart(document.getElementById('chart-containment')).data.datasets[0].data")
    assert shown == [c["contained"], c["handed_over"]]


def test_the_period_picker_and_presets_change_the_period(page, shop):
    _log_in(page, shop)
    page.goto(f"{shop.api_url}/console/analytics")
    _drawn(page)
    page.get_by_role("link", name="Last 7 days").click()
    page.wait_for_url("**/console/analytics?days=7")
    data = _drawn(page)
    assert len(data["per_day"]) == 7 and len(_rows(page, "per-day")) == 7
    assert page.get_by_role("link", name="Last 7 days").get_attribute("aria-current") == "true"
    page.fill("#period-from", "2020-01-01")
    page.fill("#period-to", "2020-01-03")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/console/analytics?from=2020-01-01&to=2020-01-03")
    data = _drawn(page)
    assert data["conversations"] == 0 and [d["day"] for d in data["per_day"]] == ["2020-01-01", "2020-01-02", "2020-01-03"]
    assert _rows(page, "intents") == [["No visitor messages in this period."]]
    assert page.inner_text("#sum-containment") == "—"
