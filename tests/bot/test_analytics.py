"""The analytics read model on hand-made tracker events (SQLite and PostgreSQL) and shop rows.
(The same queries over real conversations are tested in tests/e2e/test_analytics.py.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Engine, create_engine, insert

from bot.analytics import build_dashboard, period_between, period_of_days
from bot.analytics.conversations import (
    conversation_totals,
    conversations_per_day,
    count_conversations_among,
    lowest_confidence_intents,
    top_intents,
    period_figures,
)
from bot.analytics.demand import unmet_demand
from bot.analytics.handoffs import handoff_reasons
from bot.analytics.ratings import rating_summary
from bot.catalog.query import ProductQuery
from bot.catalog.unmet import normalise_query, record_unmet_search
from bot.errors import InvalidPeriod
from bot.models import ConversationRating, HandoffReason, HandoffRequest, HandoffStatus, UnmetSearch
from bot.transcripts.store import metadata
from tests.postgres import fresh_postgres_database
from tests.bot.tracker_events import publish

ZONE = "Europe/Berlin"
# 10 and 11 January 2030 in Berlin (UTC+1): 09 Jan 23:00 UTC to 11 Jan 23:00 UTC.
PERIOD = period_of_days(first=date(2030, 1, 10), last=date(2030, 1, 11), zone=ZONE)
T = datetime(2030, 1, 10, 12, 0, tzinfo=timezone.utc).timestamp()


# --- periods ---------------------------------------------------------------------------

def test_the_default_period_is_the_last_30_days_up_to_today():
    period = period_of_days(zone=ZONE, today=date(2030, 3, 31))
    assert (period.first_day, period.last_day) == (date(2030, 3, 2), date(2030, 3, 31))
    assert len(period.days()) == 30
    # 2030-03-31 is the day clocks go forward in Berlin: that day has 23 hours.
    assert period.start == datetime(2030, 3, 1, 23, 0, tzinfo=timezone.utc)
    assert period.end == datetime(2030, 3, 31, 22, 0, tzinfo=timezone.utc)


def test_a_period_from_a_first_day_only_runs_30_days_or_to_today():
    assert period_of_days(first=date(2030, 1, 1), zone=ZONE, today=date(2030, 6, 1)).last_day == date(2030, 1, 30)
    assert period_of_days(first=date(2030, 5, 20), zone=ZONE, today=date(2030, 6, 1)).last_day == date(2030, 6, 1)
    assert period_of_days(zone=ZONE, today=date(2030, 6, 1), default_days=7).first_day == date(2030, 5, 26)


@pytest.mark.parametrize(("first", "last"), [(date(2030, 1, 2), date(2030, 1, 1)), (date(2029, 1, 1), date(2030, 1, 2))])
def test_backwards_or_overlong_periods_are_refused(first, last):
    with pytest.raises(InvalidPeriod):
        period_of_days(first=first, last=last, zone=ZONE)


def test_an_exact_window_needs_aware_ends_in_order():
    start = datetime(2030, 1, 1, tzinfo=timezone.utc)
    with pytest.raises(InvalidPeriod):
        period_between(start=start, end=start, zone=ZONE)
    with pytest.raises(InvalidPeriod):
        period_between(start=start.replace(tzinfo=None), end=start + timedelta(hours=1), zone=ZONE)
    window = period_between(start=start, end=start + timedelta(minutes=5), zone=ZONE)
    assert window.days() == [date(2030, 1, 1)]


# --- tracker store -------------------------------------------------------------------------

def _user(sender: str, at: float, intent: str, confidence: float, *, text: str = "typed",
          runner_up: tuple[str, float] | None = None) -> dict:
    ranking = [{"name": intent, "confidence": confidence}]
    if runner_up:
        ranking.append({"name": runner_up[0], "confidence": runner_up[1]})
    data = {"event": "user", "timestamp": at, "text": text,
            "parse_data": {"intent": {"name": intent, "confidence": confidence}, "intent_ranking": ranking}}
    return {"sender_id": sender, "type_name": "user", "timestamp": at, "intent_name": intent, "action_name": None,
            "data": json.dumps(data)}


def _action(sender: str, at: float, name: str) -> dict:
    return {"sender_id": sender, "type_name": "action", "timestamp": at, "intent_name": None, "action_name": name,
            "data": json.dumps({"event": "action", "name": name})}


EVENTS = [
    # "early": 5 greetings, one a clicked button (left out of the confidence figures).
    *[_user("early", T + i, "greet", c) for i, c in enumerate((0.9, 0.8, 0.7, 0.6))],
    _user("early", T + 5, "greet", 1.0, text="/greet"),
    # "missed": one message the fallback caught (first ranked greet 0.3), then a "did you mean".
    _user("missed", T + 10, "nlu_fallback", 0.45, runner_up=("greet", 0.3)),
    _action("missed", T + 11, "action_fallback_suggest"),
    _user("missed", T + 12, "product_search", 0.95),
    # "suggested": only a "did you mean" answer after a low-confidence message.
    _user("suggested", T + 20, "order_status", 0.5),
    _action("suggested", T + 21, "action_fallback_suggest"),
    # "late": starts 23:30 UTC on the 10th = 00:30 on the 11th in Berlin.
    _user("late", datetime(2030, 1, 10, 23, 30, tzinfo=timezone.utc).timestamp(), "goodbye", 0.99),
    # Outside the period: before it (and an action event of a counted sender inside it).
    _user("before", PERIOD.start_ts - 1, "greet", 0.9),
    _user("early", PERIOD.end_ts, "greet", 0.9),
]


def _fill(engine: Engine) -> Engine:
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(metadata.tables["events"]), EVENTS)
        publish(conn, EVENTS)  # as Rasa's event broker and the summary feed would
    return engine


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def tracker(request, tmp_path_factory) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = _fill(create_engine(f"sqlite:///{tmp_path_factory.mktemp('tracker') / 'tracker.db'}"))
        yield engine
        engine.dispose()
        return
    with fresh_postgres_database() as url:
        engine = _fill(create_engine(url))
        yield engine
        engine.dispose()


def test_conversations_count_on_the_local_day_of_their_first_message(tracker):
    with tracker.connect() as conn:
        per_day = conversations_per_day(conn, period=PERIOD)
    assert [(d.day, d.conversations) for d in per_day] == [(date(2030, 1, 10), 3), (date(2030, 1, 11), 1)]


def test_totals_and_fallbacks_per_conversation_and_per_message(tracker):
    with tracker.connect() as conn:
        totals = conversation_totals(conn, period=PERIOD)
    assert (totals.conversations, totals.visitor_messages) == (4, 9)
    # "missed" (nlu_fallback + did-you-mean) and "suggested" (did-you-mean only).
    assert (totals.fallback_conversations, totals.fallback_messages) == (2, 1)


def test_top_intents_are_counted_over_every_visitor_message(tracker):
    with tracker.connect() as conn:
        rows = top_intents(conn, period=PERIOD)
    assert [(r.intent, r.messages) for r in rows] == [
        ("greet", 5), ("goodbye", 1), ("nlu_fallback", 1), ("order_status", 1), ("product_search", 1),
    ]


def test_lowest_confidence_counts_fallbacks_for_the_intent_ranked_first(tracker):
    with tracker.connect() as conn:
        rows = lowest_confidence_intents(conn, period=PERIOD)
        everything = lowest_confidence_intents(conn, period=PERIOD, min_messages=1)
    # greet: 0.9, 0.8, 0.7, 0.6 typed, plus the fallback's 0.3; the clicked "/greet" is left out.
    assert [(r.intent, r.messages, round(r.mean_confidence, 4)) for r in rows] == [("greet", 5, 0.66)]
    assert [(r.intent, r.messages, round(r.mean_confidence, 4)) for r in everything] == [
        ("order_status", 1, 0.5), ("greet", 5, 0.66), ("product_search", 1, 0.95), ("goodbye", 1, 0.99),
    ]


def test_counting_given_senders_among_the_conversations(tracker):
    with tracker.connect() as conn:
        assert count_conversations_among(conn, period=PERIOD, sender_ids=["missed", "before", "nobody"]) == 1
        assert count_conversations_among(conn, period=PERIOD, sender_ids=[]) == 0


def test_an_empty_tracker_store_gives_zeros(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'none.db'}")
    with engine.connect() as conn:
        assert conversation_totals(conn, period=PERIOD).conversations == 0
        assert [d.conversations for d in conversations_per_day(conn, period=PERIOD)] == [0, 0]
        assert top_intents(conn, period=PERIOD) == [] and lowest_confidence_intents(conn, period=PERIOD) == []
    engine.dispose()


# --- shop DB: handoffs, ratings, unmet demand ------------------------------------------------

AT = datetime(2030, 1, 10, 12, 0, tzinfo=timezone.utc)


def test_handoff_reasons_list_every_reason(session):
    session.add_all([
        HandoffRequest(sender_id="missed", reason=HandoffReason.FALLBACK, status=HandoffStatus.WAITING, created_at=AT),
        HandoffRequest(sender_id="x1", reason=HandoffReason.FALLBACK, status=HandoffStatus.CLOSED, created_at=AT),
        HandoffRequest(sender_id="x2", reason=HandoffReason.ASKED, status=HandoffStatus.MESSAGE_LEFT, created_at=AT),
        HandoffRequest(sender_id="x3", reason=HandoffReason.ASKED, created_at=PERIOD.end),  # after the period
    ])
    session.flush()
    rows = handoff_reasons(session, period=PERIOD)
    assert [(r.reason, r.requests) for r in rows] == [("fallback", 2), ("asked", 1), ("late_parcel", 0), ("other", 0)]


def test_rating_summary_counts_stars_and_the_mean(session):
    for i, stars in enumerate((5, 4, 4, 1)):
        session.add(ConversationRating(sender_id=f"rated-{i}", rating=stars, created_at=AT, updated_at=AT))
    session.add(ConversationRating(sender_id="rated-later", rating=2, created_at=PERIOD.end, updated_at=PERIOD.end))
    session.flush()
    summary = rating_summary(session, period=PERIOD)
    assert summary.count == 4 and summary.mean == pytest.approx(3.5)
    assert [(s.stars, s.ratings) for s in summary.distribution] == [(1, 1), (2, 0), (3, 0), (4, 2), (5, 1)]
    assert rating_summary(session, period=period_of_days(first=date(2001, 1, 1), last=date(2001, 1, 2),
                                                          zone=ZONE)).mean is None


def test_unmet_searches_are_grouped_by_what_was_asked_for(session):
    boots = ProductQuery(text="", colors=("red",), categories=("boots",), sizes=("46",))
    for text, kind, query in (
        ("Red boots in size 46?", "out_of_stock", boots),
        ("do you have red boots size 46", "no_results", boots),
        ("xylophonezz!!", "no_results", None),
        ("  XYLOPHONEZZ  ", "no_results", None),
        ("harp", "no_results", ProductQuery(text="harp", keywords=("harp",))),
    ):
        row = record_unmet_search(session, text=text, kind=kind, query=query, sender_id="s")
        session.get(UnmetSearch, row.id).created_at = AT
    session.flush()
    demand = unmet_demand(session, period=PERIOD)
    assert (demand.searches, demand.no_results, demand.out_of_stock) == (5, 4, 1)
    assert [(q.query, q.searches, q.no_results, q.out_of_stock) for q in demand.top] == [
        ("red boots size 46", 2, 1, 1), ("xylophonezz", 2, 2, 0), ("harp", 1, 1, 0),
    ]
    assert demand.top[1].example == "  XYLOPHONEZZ  ".strip()


def test_normalised_queries_and_filters():
    query = ProductQuery(text="", brands=("nike",), categories=("running-shoes",), keywords=("trail",),
                         colors=("blue", "red"), price_max=Decimal("80.00"))
    assert normalise_query(text="whatever", query=query) == "blue red nike running-shoes trail under 80"
    assert normalise_query(text="  Hello,   World?! ") == "hello world"
    assert normalise_query(text="sold out?", product_name="Trail Runner X") == "trail runner x"


def test_the_dashboard_puts_the_figures_together(tracker, session):
    session.add(HandoffRequest(sender_id="missed", reason=HandoffReason.FALLBACK, created_at=AT))
    session.add(HandoffRequest(sender_id="not-in-tracker", reason=HandoffReason.ASKED, created_at=AT))
    session.flush()
    with tracker.connect() as conn:
        dashboard = build_dashboard(session, conn, period=PERIOD)
    assert dashboard.conversations == 4
    c = dashboard.containment
    assert (c.conversations, c.handed_over, c.contained, c.rate) == (4, 1, 3, 0.75)
    f = dashboard.fallback
    assert (f.conversations, f.conversation_rate, f.messages, f.visitor_messages) == (2, 0.5, 1, 9)
    assert f.message_rate == pytest.approx(1 / 9)
    assert [d.conversations for d in dashboard.per_day] == [3, 1]


def test_the_dashboards_single_pass_gives_what_each_figure_alone_gives(tracker):
    with tracker.connect() as conn:
        together = period_figures(conn, period=PERIOD, min_messages=1)
        assert together.per_day == conversations_per_day(conn, period=PERIOD)
        assert together.totals == conversation_totals(conn, period=PERIOD)
        assert together.top_intents == top_intents(conn, period=PERIOD)
        alone = lowest_confidence_intents(conn, period=PERIOD, min_messages=1)
        assert [(r.intent, r.messages) for r in together.low_confidence] == [(r.intent, r.messages) for r in alone]
        assert [r.mean_confidence for r in together.low_confidence] == pytest.approx([r.mean_confidence for r in alone])
        assert together.low_confidence  # the data has typed messages with confidences
