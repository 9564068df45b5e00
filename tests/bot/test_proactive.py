"""Proactive messages: consents, what is queued when, exactly once, and nothing without consent."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.models import (
    ConsentStatus,
    Order,
    OrderStatus,
    OrderStatusEvent,
    OutboxStatus,
    ProactiveConsent,
    ProactiveOutbox,
)
from bot.models import Channel
from bot.proactive import (
    EmailRequired,
    NothingToWatch,
    OrderNotVerified,
    TooManyConfirmations,
    confirm,
    open_consents,
    proactive_figures,
    unsubscribe,
    watch_back_in_stock,
    watch_order,
    withdraw_conversation,
)
from bot.proactive.outbox import LEASE, claim_due, record_click
from bot.proactive.tokens import sign, verify
from bot.proactive.triggers import enqueue_due
from tests.proactive_helpers import FakeRasa, dispatcher_uses, restock, run_round, sold_out_product, tracker_engine


def _outbox(session) -> list[ProactiveOutbox]:
    return list(session.scalars(select(ProactiveOutbox).order_by(ProactiveOutbox.id)))


def test_a_widget_consent_records_its_wording_time_and_conversation(session):
    product = sold_out_product(session)
    consent = watch_back_in_stock(session, sender_id="conv-a", product_id=product.id, channel=Channel.WIDGET)
    row = session.get(ProactiveConsent, consent.id)
    assert row.status == "active" and row.sender_id == "conv-a" and row.created_at is not None
    assert product.name in row.wording and "once" in row.wording
    # asking twice keeps one consent
    again = watch_back_in_stock(session, sender_id="conv-a", product_id=product.id, channel=Channel.WIDGET)
    assert again.id == consent.id


def test_german_wording(session):
    product = sold_out_product(session)
    consent = watch_back_in_stock(session, sender_id="conv-de", product_id=product.id, channel=Channel.WIDGET,
                                  language="de")
    assert "wieder auf Lager" in consent.wording


def test_nothing_to_watch_when_it_is_in_stock(session):
    product = sold_out_product(session)
    restock(session, product)
    with pytest.raises(NothingToWatch):
        watch_back_in_stock(session, sender_id="conv-b", product_id=product.id, channel=Channel.WIDGET)


def test_restock_sends_exactly_once_even_when_the_dispatcher_runs_twice(session, tmp_path, monkeypatch):
    product = sold_out_product(session)
    watch_back_in_stock(session, sender_id="conv-once", product_id=product.id, channel=Channel.WIDGET)
    rasa = FakeRasa(tracker_engine(tmp_path))
    with dispatcher_uses(session, monkeypatch):
        assert run_round(rasa).sent == 0  # still sold out: nothing
        restock(session, product, 3)
        first = run_round(rasa)
        second = run_round(rasa)
    assert (first.queued, first.sent) == (1, 1) and (second.queued, second.sent) == (0, 0)
    texts = rasa.bot_texts("conv-once")
    assert len(texts) == 1 and product.name in texts[0] and "/proactive/c/" in texts[0]
    assert [c[0] for c in rasa.calls] == ["conv-once"]  # to the consenting conversation only
    assert _outbox(session)[0].status == OutboxStatus.SENT.value


def test_without_consent_nothing_is_sent(session, tmp_path, monkeypatch):
    product = sold_out_product(session)
    restock(session, product)
    order = session.scalars(select(Order).where(Order.status == OrderStatus.PACKED)).first()
    session.add(OrderStatusEvent(order_id=order.id, status=OrderStatus.SHIPPED, at=datetime.now(timezone.utc)))
    rasa = FakeRasa(tracker_engine(tmp_path))
    with dispatcher_uses(session, monkeypatch):
        report = run_round(rasa)
    assert report == report.__class__(queued=0, sent=0, failed=0)
    assert rasa.calls == [] and _outbox(session) == []


def test_a_withdrawn_consent_sends_nothing_even_if_already_queued(session, tmp_path, monkeypatch):
    product = sold_out_product(session)
    watch_back_in_stock(session, sender_id="conv-w", product_id=product.id, channel=Channel.WIDGET)
    restock(session, product)
    assert enqueue_due(session) == 1
    assert withdraw_conversation(session, sender_id="conv-w") == 1
    rasa = FakeRasa(tracker_engine(tmp_path))
    with dispatcher_uses(session, monkeypatch):
        assert run_round(rasa).sent == 0
    assert rasa.calls == [] and _outbox(session)[0].status == OutboxStatus.CANCELLED.value
    assert open_consents(session, sender_id="conv-w") == []
    assert withdraw_conversation(session, sender_id="conv-w") == 0


def test_a_dispatcher_that_died_mid_send_does_not_show_the_message_twice(session, tmp_path, monkeypatch):
    product = sold_out_product(session)
    watch_back_in_stock(session, sender_id="conv-crash", product_id=product.id, channel=Channel.WIDGET)
    restock(session, product)
    rasa = FakeRasa(tracker_engine(tmp_path))
    enqueue_due(session)
    [delivery] = claim_due(session)
    # the message reached the transcript, then the process died before marking it sent
    from bot.proactive.dispatch import widget_event
    import asyncio
    asyncio.run(rasa(delivery.sender_id, widget_event(delivery)))
    assert claim_due(session) == []  # still leased
    row = session.get(ProactiveOutbox, delivery.id)
    row.claimed_at = datetime.now(timezone.utc) - LEASE - timedelta(seconds=1)
    session.flush()
    with dispatcher_uses(session, monkeypatch):
        assert run_round(rasa).sent == 1
    assert len(rasa.bot_texts("conv-crash")) == 1 and len(rasa.calls) == 1
    assert session.get(ProactiveOutbox, delivery.id).status == OutboxStatus.SENT.value


def test_two_dispatchers_never_claim_the_same_row(session):
    product = sold_out_product(session)
    watch_back_in_stock(session, sender_id="conv-2", product_id=product.id, channel=Channel.WIDGET)
    restock(session, product)
    enqueue_due(session)
    assert len(claim_due(session)) == 1 and claim_due(session) == []


def test_an_unproven_email_waits_for_its_confirmation_and_is_limited(session):
    product = sold_out_product(session)
    with pytest.raises(EmailRequired):
        watch_back_in_stock(session, sender_id="conv-e", product_id=product.id, channel=Channel.EMAIL, email="nope")
    consent = watch_back_in_stock(session, sender_id="conv-e", product_id=product.id, channel=Channel.EMAIL,
                                  email="Victim@Example.com")
    assert consent.status == "pending" and consent.email == "victim@example.com"
    [mail] = _outbox(session)
    assert mail.kind == "confirm" and "/proactive/confirm?t=" in mail.body
    # restocked before confirmation: nothing but the confirmation is queued
    restock(session, product)
    assert enqueue_due(session) == 0
    # more conversations cannot flood the address with confirmations
    sold_out_product(session)
    for n in range(2):
        watch_back_in_stock(session, sender_id=f"conv-e{n}", product_id=product.id, channel=Channel.EMAIL,
                            email="victim@example.com")
    with pytest.raises(TooManyConfirmations):
        watch_back_in_stock(session, sender_id="conv-e9", product_id=product.id, channel=Channel.EMAIL,
                            email="victim@example.com")


def test_confirmation_activates_and_the_restock_mail_is_queued_once(session):
    product = sold_out_product(session)
    consent = watch_back_in_stock(session, sender_id="conv-c", product_id=product.id, channel=Channel.EMAIL,
                                  email="me@example.com")
    assert confirm(session, consent_id=consent.id) and not confirm(session, consent_id=consent.id)
    restock(session, product)
    assert enqueue_due(session) == 1 and enqueue_due(session) == 0
    mail = [m for m in _outbox(session) if m.kind == "back_in_stock"][0]
    assert "Unsubscribe: http://shop.test/proactive/unsubscribe?t=" in mail.body


def test_the_verified_email_of_the_conversation_needs_no_confirmation(session):
    product = sold_out_product(session)
    consent = watch_back_in_stock(session, sender_id="conv-v", product_id=product.id, channel=Channel.EMAIL,
                                  email="emma@example.com", verified_email="EMMA@example.com")
    assert consent.status == "active" and _outbox(session) == []


def test_signed_tokens_name_one_consent_and_one_purpose():
    token = sign(7, "unsubscribe")
    assert verify(token, "unsubscribe") == 7
    assert verify(token, "confirm") is None
    assert verify(token.replace("7.", "8.", 1), "unsubscribe") is None
    assert verify("7.deadbeef", "unsubscribe") is None and verify("", "unsubscribe") is None


def test_unsubscribe_withdraws_only_that_consent(session):
    product = sold_out_product(session)
    one = watch_back_in_stock(session, sender_id="conv-u", product_id=product.id, channel=Channel.WIDGET)
    other = watch_back_in_stock(session, sender_id="conv-u2", product_id=product.id, channel=Channel.WIDGET)
    assert unsubscribe(session, consent_id=one.id) and not unsubscribe(session, consent_id=one.id)
    assert session.get(ProactiveConsent, other.id).status == ConsentStatus.ACTIVE.value


def _order(session, status: OrderStatus) -> Order:
    return session.scalars(select(Order).where(Order.status == status).order_by(Order.id)).first()


def test_order_updates_shipped_late_and_delivered_each_once(session):
    order = _order(session, OrderStatus.PACKED)
    with pytest.raises(OrderNotVerified):
        watch_order(session, sender_id="conv-o", order_number=None)
    consent = watch_order(session, sender_id="conv-o", order_number=order.number,
                          now=datetime.now(timezone.utc) - timedelta(minutes=1))
    assert order.number in consent.wording
    assert enqueue_due(session) == 0
    order.status = OrderStatus.SHIPPED
    order.carrier = "DHL"
    order.estimated_delivery = date.today() - timedelta(days=1)
    session.add(OrderStatusEvent(order_id=order.id, status=OrderStatus.SHIPPED, at=datetime.now(timezone.utc)))
    session.flush()
    assert enqueue_due(session) == 2  # shipped, and already past its estimate
    assert enqueue_due(session) == 0
    order.status = OrderStatus.DELIVERED
    session.add(OrderStatusEvent(order_id=order.id, status=OrderStatus.DELIVERED, at=datetime.now(timezone.utc)))
    session.flush()
    assert enqueue_due(session) == 1
    bodies = [m.body for m in _outbox(session)]
    assert any("shipped with DHL" in b for b in bodies) and any("running late" in b for b in bodies)
    assert any("delivered" in b for b in bodies)
    assert session.get(ProactiveConsent, consent.id).status == ConsentStatus.DONE.value


def test_clicks_and_figures(session, tmp_path, monkeypatch):
    product = sold_out_product(session)
    watch_back_in_stock(session, sender_id="conv-f", product_id=product.id, channel=Channel.WIDGET)
    restock(session, product)
    rasa = FakeRasa(tracker_engine(tmp_path))
    with dispatcher_uses(session, monkeypatch):
        run_round(rasa)
    row = _outbox(session)[0]
    assert record_click(session, token=row.token).endswith(f"/products/{product.slug}")
    assert record_click(session, token=row.token) is not None  # a second click counts once
    assert record_click(session, token="nope") is None
    figures = {(f.kind, f.channel): f for f in proactive_figures(session)}
    stock = figures[("back_in_stock", "widget")]
    assert (stock.sent, stock.clicked) >= (1, 1)
