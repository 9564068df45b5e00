"""Product card clicks: signed links, recording (once per card, only for the conversation that was shown it),
daily counts, erasure, the migration, and the A/B metric "product card clicked"."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

import pytest
from alembic import command
from sqlalchemy import Engine, func, inspect, insert, select

from bot.analytics import period_of_days
from bot.card_clicks import click_path, clicks_per_day, parse_token, record_click, sign
from bot.experiments import (
    ArmInput, ExperimentInput, build_report, create_experiment, current_report, stop_experiment,
)
from bot.models import CardClick, ExperimentExposure, Product
from bot.review.linked import count_linked, erase_linked, linked_records
from bot.transcripts.store import events
from tests.bot.tracker_events import tracker_database
from tests.migrations import migrated, model_differences

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def tracker(request, tmp_path) -> Iterator[Engine]:
    with tracker_database(request.param, tmp_path) as engine:
        yield engine


@pytest.fixture
def products(session) -> list[Product]:
    return list(session.scalars(select(Product).order_by(Product.id).limit(3)))


def _sender() -> str:
    return f"visitor-{uuid.uuid4().hex}"


def _store(tracker: Engine, sender: str, type_name: str, data: dict) -> int:
    with tracker.begin() as conn:
        return conn.execute(insert(events).values(
            sender_id=sender, type_name=type_name, timestamp=NOW.timestamp(),
            data=json.dumps({"event": type_name, **data}))).inserted_primary_key[0]


def _cards_message(tracker: Engine, sender: str, shown: list[Product]) -> int:
    """A bot message with product cards, as the recommendation actions write it; its seq."""
    cards = [{"id": p.id, "name": p.name, "url": f"http://shop.test/products/{p.slug}"} for p in shown]
    return _store(tracker, sender, "bot", {"text": "Our best sellers:", "metadata": {},
                                           "data": {"custom": {"type": "product_cards", "products": cards}}})


def _click(session, tracker: Engine, token: str, at: datetime = NOW) -> str | None:
    with tracker.connect() as conn:
        return record_click(session, tracker=conn, token=token, now=at)


def _clicks(session, sender: str) -> list[tuple[int, int]]:
    return [(c.message_seq, c.product_id) for c in session.scalars(
        select(CardClick).where(CardClick.sender_id == sender).order_by(CardClick.id))]


# --- links and recording -----------------------------------------------------------


def test_a_click_is_recorded_once_per_card_and_leads_to_the_products_page(session, tracker, products):
    sender = _sender()
    seq = _cards_message(tracker, sender, products[:2])
    token = sign(sender_id=sender, seq=seq, product_id=products[1].id)
    assert _click(session, tracker, token) == f"http://shop.test/products/{products[1].slug}"
    # A reload, a double click, the same card opened again: still one click.
    assert _click(session, tracker, token, NOW + timedelta(minutes=5)) is not None
    assert _clicks(session, sender) == [(seq, products[1].id)]
    clicked_at = session.scalar(select(CardClick.clicked_at).where(CardClick.sender_id == sender))
    assert clicked_at.replace(tzinfo=timezone.utc) == NOW
    # The other card of the message, and the same product shown again in a later message, count apart.
    _click(session, tracker, sign(sender_id=sender, seq=seq, product_id=products[0].id))
    later = _cards_message(tracker, sender, products[1:2])
    _click(session, tracker, sign(sender_id=sender, seq=later, product_id=products[1].id))
    assert sorted(_clicks(session, sender)) == sorted([(seq, products[1].id), (seq, products[0].id),
                                                       (later, products[1].id)])


def test_the_link_path_carries_no_conversation_id(products):
    sender = _sender()
    path = click_path(sender_id=sender, seq=42, product_id=products[0].id)
    assert path.startswith("/cards/c/42.") and sender not in path
    assert parse_token(path.removeprefix("/cards/c/"))[:2] == (42, products[0].id)


def test_a_token_made_for_one_conversation_counts_nothing_for_another(session, tracker, products):
    victim, attacker = _sender(), _sender()
    seq = _cards_message(tracker, victim, products[:1])
    # The attacker knows the victim's message seq, but can only sign with what they hold: their own id.
    # (With the real key and their own id: the MAC covers the conversation the row belongs to.)
    forged = sign(sender_id=attacker, seq=seq, product_id=products[0].id)
    assert _click(session, tracker, forged) is None
    wrong_key = sign(sender_id=victim, seq=seq, product_id=products[0].id, key="not the shop's key")
    assert _click(session, tracker, wrong_key) is None
    assert _clicks(session, victim) == [] and _clicks(session, attacker) == []


def test_only_a_card_the_message_showed_and_only_a_bot_message_count(session, tracker, products):
    sender = _sender()
    seq = _cards_message(tracker, sender, products[:1])
    # Signed correctly, but the message did not show this product.
    assert _click(session, tracker, sign(sender_id=sender, seq=seq, product_id=products[2].id)) is None
    said = _store(tracker, sender, "user", {"text": "hi", "metadata": {}})
    assert _click(session, tracker, sign(sender_id=sender, seq=said, product_id=products[0].id)) is None
    assert _click(session, tracker, sign(sender_id=sender, seq=seq + 10_000, product_id=products[0].id)) is None
    assert _clicks(session, sender) == []


@pytest.mark.parametrize("token", [
    "", "garbage", "1.2", "1.2.short", "0.1." + "a" * 22, "1.0." + "a" * 22, "-1.2." + "a" * 22,
    "1.2." + "a" * 21 + "!", "9" * 19 + ".1." + "a" * 22, "1.2." + "a" * 23, "1 .2." + "a" * 22,
    "１.2." + "a" * 22, "1.2." + "a" * 22 + "\n", "1.2.3." + "a" * 22,
])
def test_malformed_tokens_are_refused_before_any_lookup(token):
    assert parse_token(token) is None


def test_a_well_formed_token_of_no_message_is_refused(session, tracker):
    assert _click(session, tracker, "123456789.1." + "A" * 22) is None


# --- console figures, erasure, migration --------------------------------------------


def test_clicks_per_day_count_cards_and_conversations_in_the_support_time_zone(session, tracker, products):
    a, b = _sender(), _sender()
    seq_a, seq_b = _cards_message(tracker, a, products[:2]), _cards_message(tracker, b, products[:1])
    day = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
    _click(session, tracker, sign(sender_id=a, seq=seq_a, product_id=products[0].id), day)
    _click(session, tracker, sign(sender_id=a, seq=seq_a, product_id=products[1].id), day + timedelta(minutes=1))
    _click(session, tracker, sign(sender_id=b, seq=seq_b, product_id=products[0].id), day)
    # 23:30 UTC is the next day in Berlin.
    _click(session, tracker, sign(sender_id=b, seq=_cards_message(tracker, b, products[:1]),
                                  product_id=products[0].id), day.replace(hour=23, minute=30))
    period = period_of_days(first=date(2026, 11, 19), last=date(2026, 11, 21), zone="Europe/Berlin")
    days = clicks_per_day(session, period=period)
    assert [(d.day, d.clicks, d.conversations) for d in days] == [
        (date(2026, 11, 19), 0, 0), (date(2026, 11, 20), 3, 2), (date(2026, 11, 21), 1, 1)]


def test_erasing_a_conversation_exports_then_removes_its_clicks(session, tracker, products):
    sender = _sender()
    seq = _cards_message(tracker, sender, products[:1])
    _click(session, tracker, sign(sender_id=sender, seq=seq, product_id=products[0].id))
    assert linked_records(session, sender_id=sender)["card_clicks"] == [
        {"product_id": products[0].id, "message_seq": seq, "clicked_at": NOW.isoformat()}]
    assert count_linked(session, sender_id=sender) == 1
    assert erase_linked(session, sender_id=sender) == 1
    assert _clicks(session, sender) == []


def test_migration_0017_matches_the_models(tmp_path):
    with migrated(tmp_path) as (cfg, engine):
        assert model_differences(engine, "card_click") == []
        command.downgrade(cfg, "0016")
        with engine.connect() as conn:
            assert "card_clicks" not in inspect(conn).get_table_names()
        command.upgrade(cfg, "head")


# --- the A/B metric -----------------------------------------------------------------


def _experiment(session):
    return create_experiment(session, data=ExperimentInput(
        name="Best sellers intro", response="utter_recommend_best_sellers", language="en", metric="card_click",
        arms=(ArmInput("A", "Our best sellers{scope}:\n{lines}", 50), ArmInput("B", "People love these{scope}:\n{lines}", 50)),
        baseline_rate=0.2, min_effect=0.1), created_by="admin")


def _expose(session, experiment, position: int, at: datetime = NOW) -> str:
    sender = _sender()
    session.add(ExperimentExposure(experiment_id=experiment.id, sender_id=sender, position=position, exposed_at=at))
    session.flush()
    return sender


def _clicked(session, sender: str, at: datetime, product: Product, seq: int = 1) -> None:
    session.add(CardClick(sender_id=sender, message_seq=seq, product_id=product.id, clicked_at=at))
    session.flush()


def test_product_card_clicked_counts_clicks_of_the_same_conversation_within_a_day_after_the_text(session, products):
    experiment = _experiment(session)
    a = [_expose(session, experiment, 0) for _ in range(5)]
    b = [_expose(session, experiment, 1) for _ in range(4)]
    _clicked(session, a[0], NOW + timedelta(minutes=2), products[0])
    _clicked(session, a[0], NOW + timedelta(minutes=3), products[1])  # two clicks, one conversation
    _clicked(session, a[1], NOW + timedelta(hours=23), products[0])
    _clicked(session, a[2], NOW - timedelta(minutes=1), products[0])  # before the text: not its doing
    _clicked(session, a[3], NOW + timedelta(hours=25), products[0])  # a day later: not counted
    _clicked(session, b[0], NOW + timedelta(seconds=30), products[0])
    _clicked(session, _sender(), NOW + timedelta(minutes=1), products[0])  # a conversation never exposed
    report = build_report(session, experiment=experiment, until=NOW + timedelta(days=3))
    assert [(arm.exposed, arm.n, arm.successes) for arm in report.arms] == [(5, 5, 2), (4, 4, 1)]
    assert report.metric_label == "Product card clicked" and "24 hours" in report.metric_counts
    # A click after the report's time does not count yet.
    early = build_report(session, experiment=experiment, until=NOW + timedelta(minutes=2, seconds=30))
    assert [arm.successes for arm in early.arms] == [1, 1]


def test_stopping_an_experiment_on_card_clicks_freezes_its_count(session, products):
    experiment = _experiment(session)
    sender = _expose(session, experiment, 0, at=datetime.now(timezone.utc) - timedelta(minutes=10))
    stop_experiment(session, experiment_id=experiment.id)
    _clicked(session, sender, datetime.now(timezone.utc) + timedelta(minutes=1), products[0])
    _, report = current_report(session, experiment_id=experiment.id)
    assert report.arms[0].successes == 0
    assert session.scalar(select(func.count()).select_from(CardClick).where(CardClick.sender_id == sender)) == 1
