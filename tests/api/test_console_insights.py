"""The console's customer segments and stock-out pages: staff only, figures equal to direct SQL."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from bot.db import session_scope
from bot.models import AggregateRefresh, CustomerSegment
from bot.models.base import utcnow
from bot.segments import refresh_segments
from bot.stockout.warnings import stock_warnings
from tests.api.console_helpers import logged_in


def _rows(page: str, table_id: str) -> dict[str, list[str]]:
    table = re.search(rf'<table class="table" id="{table_id}">(.*?)</table>', page, re.S).group(1)
    body = table.split("<tbody>")[1]
    out = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        out[cells[0]] = cells
    return out


def test_the_segments_page_shows_each_segments_size_value_and_trend_as_sql_counts_them(client, staff):
    with session_scope() as session:
        refresh_segments(session)  # as the scheduled job does, which also records when
        session.merge(AggregateRefresh(name="customer_segments", refreshed_at=utcnow(), seconds=0.1))
    logged_in(client, staff("agent"))
    page = client.get("/console/analytics/segments")
    assert page.status_code == 200 and "style=" not in page.text
    assert "Computed <time datetime=" in page.text and "at most 6 minutes old" in page.text
    rows = _rows(page.text, "table-segments")
    with session_scope() as session:
        direct = session.execute(
            select(CustomerSegment.segment, CustomerSegment.days_ago, func.count(), func.sum(CustomerSegment.monetary))
            .group_by(CustomerSegment.segment, CustomerSegment.days_ago)
        ).all()
    now = {seg: (n, float(rev)) for seg, days, n, rev in direct if days == 0}
    assert now and set(now) <= set(rows)
    for segment, (n, revenue) in now.items():
        cells = rows[segment]
        assert int(cells[1]) == n
        assert float(cells[3].replace(",", "")) == round(revenue, 2)
    for segment, days, n, _ in direct:
        if days in (30, 90):
            assert int(rows[segment][8 if days == 30 else 9]) == n


def test_the_stock_page_lists_the_warnings_most_urgent_first(client, staff):
    logged_in(client, staff("agent"))
    page = client.get("/console/analytics/stock")
    assert page.status_code == 200 and "style=" not in page.text
    with session_scope() as session:
        warnings = stock_warnings(session)
    skus = re.findall(r'data-sku="([^"]+)"', page.text)
    assert skus == [w.sku for w in warnings if w.sku]
    covers = [float(c) for c in re.findall(r'<td class="cover">([0-9.]+)</td>', page.text)]
    assert covers == sorted(covers) and len(covers) == len(warnings)


def test_the_analytics_page_links_to_both(client, staff):
    logged_in(client, staff("agent"))
    text = client.get("/console/analytics").text
    assert 'href="/console/analytics/segments"' in text and 'href="/console/analytics/stock"' in text


def test_anonymous_visitors_are_sent_to_the_login(client):
    for path in ("/console/analytics/segments", "/console/analytics/stock"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code in (302, 303, 401) and "segment" not in response.text.lower()
