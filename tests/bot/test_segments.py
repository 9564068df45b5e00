"""RFM segments: quintile scores, the segment map, the precomputed table, its migration and its commands."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from bot.aggregates.__main__ import main as aggregates_main
from bot.db import make_engine
from bot.handoff_sessions.views import verified_orders
from bot.migrate import upgrade
from bot.models import AggregateRefresh, Base, Customer, CustomerSegment, Order, OrderStatus
from bot.segments import (
    SEGMENTS,
    customer_rfm,
    customer_segment,
    quintile_scores,
    refresh_segments,
    score_customers,
    segment_of,
)
from bot.segments.__main__ import main as segments_main
from bot.segments.rfm import segment_table
from tests.bot.test_review_migration import _config
from tests.postgres import fresh_postgres_database

NOW = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)


def test_ten_distinct_values_fall_two_to_a_quintile():
    assert quintile_scores(range(1, 11)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    # fewer days since the last order is better
    assert quintile_scores(range(1, 11), higher_is_better=False).tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]


def test_equal_values_share_a_score():
    # four one-time buyers are 40 % of customers: all score 1, and the next value starts at 1 + 5 × 0.4 = 3
    assert quintile_scores([1, 1, 1, 1, 2, 3, 4, 5, 6, 7]).tolist() == [1, 1, 1, 1, 3, 3, 4, 4, 5, 5]
    assert quintile_scores([]).tolist() == []


def test_the_segment_map_names_every_score_pair_once():
    names = {(r, f): segment_of(r, f) for r in range(1, 6) for f in range(1, 6)}
    assert set(names.values()) == set(SEGMENTS)
    assert names[5, 5] == names[5, 4] == "Champions"
    assert names[5, 1] == "New" and names[4, 1] == "Promising"
    assert names[1, 1] == names[2, 2] == "Hibernating"
    assert names[1, 5] == "Can't lose them" and names[2, 3] == "At risk"
    assert names[3, 3] == "Need attention" and names[3, 2] == "About to sleep"
    assert names[4, 4] == names[3, 5] == "Loyal" and names[4, 2] == "Potential loyalists"
    with pytest.raises(ValueError):
        segment_of(0, 3)


def test_hand_made_customers_get_their_known_scores_and_segments():
    # customer i: last order i days ago (1..10), 11 - i orders, spending 100 × (11 - i)
    ids = list(range(1, 11))
    scored = score_customers(ids, list(range(1, 11)), [11 - i for i in ids], [100.0 * (11 - i) for i in ids])
    assert [(c.r_score, c.f_score, c.m_score) for c in scored[:3]] == [(5, 5, 5), (5, 5, 5), (4, 4, 4)]
    assert [c.segment for c in scored] == ["Champions", "Champions", "Loyal", "Loyal", "Need attention",
                                           "Need attention", "Hibernating", "Hibernating", "Hibernating", "Hibernating"]
    table = {row.segment: row for row in segment_table(scored)}
    assert table["Champions"].customers == 2 and table["Champions"].share == pytest.approx(0.2)
    assert table["Champions"].revenue == 1900 and table["Champions"].revenue_share == pytest.approx(1900 / 5500)
    assert table["Hibernating"].mean_recency_days == 8.5 and table["Hibernating"].mean_frequency == 2.5


def _shop(url: str) -> None:
    """Ten customers as in the hand-made test, plus a cancelled and a returned order that must not count."""
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        for i in range(1, 11):
            session.add(Customer(id=i, email=f"c{i}@example.com", first_name="C", last_name=str(i)))
        n = 0
        for i in range(1, 11):
            for k in range(11 - i):  # the newest i days ago, the others 40 days apart before it
                n += 1
                session.add(Order(id=n, number=f"{n:06d}", customer_id=i, email=f"c{i}@example.com",
                                  status=OrderStatus.DELIVERED, placed_at=NOW - timedelta(days=i + 40 * k),
                                  total=Decimal(100), shipping_address="x"))
        for status in (OrderStatus.CANCELLED, OrderStatus.RETURNED):
            n += 1
            session.add(Order(id=n, number=f"{n:06d}", customer_id=10, email="c10@example.com", status=status,
                              placed_at=NOW - timedelta(hours=1), total=Decimal(5000), shipping_address="x"))
        session.commit()
    engine.dispose()


def test_the_refresh_stores_segments_now_and_as_of_30_and_90_days_ago(tmp_path):
    url = f"sqlite:///{tmp_path / 'rfm.db'}"
    _shop(url)
    engine = make_engine(url)
    with Session(engine) as session:
        refresh_segments(session, now=NOW)
        now = {r.customer_id: r for r in session.scalars(select(CustomerSegment).where(CustomerSegment.days_ago == 0))}
        assert [now[i].segment for i in range(1, 11)] == [
            "Champions", "Champions", "Loyal", "Loyal", "Need attention", "Need attention",
            "Hibernating", "Hibernating", "Hibernating", "Hibernating"]
        # customer 10's cancelled and returned orders do not count: one order, 10 days ago, 100 in all
        assert (now[10].recency_days, now[10].frequency, now[10].monetary) == (10, 1, Decimal("100.00"))
        # 30 days ago nobody had ordered in the last 10 days before: only customers with an older order
        then = session.execute(select(func.count()).where(CustomerSegment.days_ago == 30)).scalar()
        assert then == 9  # customer 10 has a single order, 10 days before NOW
        direct = session.execute(select(func.count(func.distinct(Order.customer_id))).where(
            Order.status.not_in((OrderStatus.CANCELLED, OrderStatus.RETURNED)),
            Order.placed_at < NOW - timedelta(days=90))).scalar()
        assert session.execute(select(func.count()).where(CustomerSegment.days_ago == 90)).scalar() == direct
        assert customer_segment(session, customer_id=1).segment == "Champions"
        assert customer_segment(session, customer_id=999) is None
    engine.dispose()


def test_the_commands_refresh_the_table_and_record_when(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'rfm.db'}"
    _shop(url)
    assert segments_main(["refresh", "--database-url", url]) == 0
    assert aggregates_main(["--database-url", url]) == 0
    engine = make_engine(url)
    with Session(engine) as session:
        assert session.get(AggregateRefresh, "customer_segments") is not None
        assert session.scalar(select(func.count()).where(CustomerSegment.days_ago == 0)) == 10
    engine.dispose()
    assert segments_main(["report", "--database-url", url]) == 0
    out = capsys.readouterr().out
    assert "10 customers with a purchase" in out and "Champions" in out


def test_a_verified_order_carries_its_customers_segment(session):
    refresh_segments(session)
    order = session.scalar(select(Order).where(Order.number == "100002"))
    verified = verified_orders(session, numbers=["100002"])["100002"]
    expected = {c.customer_id: c for c in customer_rfm(session, as_of=datetime.now(timezone.utc))}
    assert verified.segment is not None and verified.segment.segment == expected[order.customer_id].segment


def _check_migration(url: str) -> None:
    cfg = _config(url)
    command.upgrade(cfg, "0012")
    command.upgrade(cfg, "head")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert "customer_segments" in inspect(conn).get_table_names()
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = [d for d in compare_metadata(context, Base.metadata) if "customer_segments" in repr(d)]
            assert diffs == []
        command.downgrade(cfg, "0012")
        with engine.connect() as conn:
            assert "customer_segments" not in inspect(conn).get_table_names()
        command.upgrade(cfg, "head")
        with Session(engine) as session:
            refresh_segments(session)  # an empty shop: no rows, no error
            session.commit()
    finally:
        engine.dispose()


def test_migration_0013_on_sqlite(tmp_path):
    _check_migration(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.mark.postgres
def test_migration_0013_on_postgresql():
    with fresh_postgres_database() as url:
        _check_migration(url)
        _shop(url)
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                refresh_segments(session, now=NOW)
                assert customer_segment(session, customer_id=1).segment == "Champions"
                assert customer_segment(session, customer_id=10).monetary == 100.0
        finally:
            engine.dispose()
