"""The console at a large size: every staff page over thousands of conversations, and no query that
reads every event.

One module-scoped tracker store of 4,000 conversations (about 92,000 events, the benchmark's
generator, benchmarks/large_tracker.py) is built in seconds with bulk inserts, then the
summary backfill. The list, its filters, search, a transcript and the analytics are asked
through the gateway; their answers are checked against what the raw events say, and every
SQL statement they run is checked with EXPLAIN QUERY PLAN: none may scan the events, the
turns or the messages (the summaries may be walked in index order). That is what keeps the
pages flat in the number of events; benchmarks/console_scale.py has the timings at 100,000.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event as sa_event

from benchmarks.large_tracker import conversations
from bot.db import make_engine
from bot.summaries.backfill import backfill
from bot.transcripts.store import events, get_tracker_engine, metadata
from tests.api.console_helpers import logged_in
from tests.bot.summary_reference import expected_from_rows

N = 4_000
ANCHOR = time.time() - 3600
ROW = re.compile(r'<tr data-ref="([^"]+)"')
# Whole-table scans that would grow with the events (a scan of the summaries in index order is a page walk).
FORBIDDEN = re.compile(r"\bSCAN (events|conversation_turns|conversation_messages)\b(?! USING (COVERING )?INDEX)")


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Iterator[dict]:
    path = tmp_path_factory.mktemp("large-console") / "tracker.db"
    engine = make_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    rows = [row for batch in conversations(N, anchor=ANCHOR) for row in batch]
    with engine.begin() as conn:
        conn.execute(events.insert(), rows)
    backfill(engine)
    with engine.begin() as conn:  # a feed that runs (else the list says it may be behind)
        from bot.summaries.status import report_alive
        report_alive(conn, "tests")
    engine.dispose()
    texts: dict[str, set[str]] = {"refund": set(), "hoodie": set(), "xl": set()}
    for row in rows:
        data = json.loads(row["data"])
        if row["type_name"] in ("user", "bot") and isinstance(data.get("text"), str):
            for word, senders in texts.items():
                if word in data["text"].lower():
                    senders.add(row["sender_id"])
    yield {"path": path, "expected": expected_from_rows(rows), "texts": texts}


@pytest.fixture
def admin(large, console, staff, monkeypatch):
    monkeypatch.setenv("SHOP_TRACKER_DB", str(large["path"]))
    monkeypatch.delenv("SHOP_TRACKER_URL", raising=False)
    get_tracker_engine.cache_clear()
    client = console()
    logged_in(client, staff("admin"))
    yield client
    get_tracker_engine.cache_clear()


@contextmanager
def plans_checked() -> Iterator[list[str]]:
    """Collects the tracker store's SQL statements, then checks each one's query plan."""
    engine = get_tracker_engine()
    seen: list[tuple[str, object]] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            seen.append((statement, parameters))

    sa_event.listen(engine, "before_cursor_execute", remember)
    plans: list[str] = []
    try:
        yield plans
    finally:
        sa_event.remove(engine, "before_cursor_execute", remember)
    with engine.connect() as conn:
        for statement, parameters in seen:
            plan = "\n".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
            plans.append(plan)
            assert not FORBIDDEN.search(plan), f"{statement}\n--\n{plan}"


def _listed(client, **params) -> tuple[set[str], int]:
    refs: set[str] = set()
    page = client.get("/console/conversations", params=params)
    assert page.status_code == 200, page.text
    refs |= set(ROW.findall(page.text))
    total = int(re.search(r"<caption>([\d,]+) conversation", page.text).group(1).replace(",", ""))
    return refs, total


def test_every_list_view_answers_from_indexes_with_the_right_counts(admin, large):
    expected = large["expected"]
    with plans_checked() as plans:
        cases = {
            (): len(expected),
            (("fallback", "yes"),): sum(e.fallback for e in expected.values()),
            (("handoff", "yes"),): sum(e.handoff for e in expected.values()),
            (("intent", "order_status"),): sum("order_status" in e.intents for e in expected.values()),
            (("below", "0.5"),): sum(e.lowest is not None and e.lowest < 0.5 for e in expected.values()),
        }
        for params, count in cases.items():
            refs, total = _listed(admin, **dict(params))
            assert total == count and len(refs) == min(count, 25), params
        deep = admin.get("/console/conversations", params={"page": "100"})
        assert deep.status_code == 200 and len(ROW.findall(deep.text)) == 25
        for word in ("refund", "Hoodie"):  # through the trigram index
            _, total = _listed(admin, q=word)
            assert total == len(large["texts"][word.lower()]) > 0, word
    assert len(plans) >= 10
    # Shorter than a trigram, a search scans the messages (README: the one page that grows with them).
    _, total = _listed(admin, q="xl")
    assert total == len(large["texts"]["xl"]) > 0


def test_a_transcript_and_the_analytics_at_this_size(admin, large):
    refs, _ = _listed(admin)
    with plans_checked():
        page = admin.get(f"/console/conversations/{sorted(refs)[0]}")
        assert page.status_code == 200 and 'data-testid="visitor-message"' in page.text
        dashboard = admin.get("/api/console/analytics", params={"days": 30})
        assert dashboard.status_code == 200
        html = admin.get("/console/analytics", params={"days": 90})
        assert html.status_code == 200
    figures = dashboard.json()
    assert 0 < figures["conversations"] <= N
    assert figures["top_intents"] and figures["top_intents"][0]["messages"] > 0
