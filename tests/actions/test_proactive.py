"""Proactive messages in chat: the stock answer offers them, "notify me" records the consent, "stop" withdraws it."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.products import ActionProductAvailability
from actions.proactive import ActionNotifyMe, ActionStopNotifications
from bot.models import Order, OrderStatus, ProactiveConsent, ProactiveOutbox
from bot.settings import get_settings
from tests.actions.conftest import make_tracker, responses, run
from tests.proactive_helpers import restock, sold_out_product


def _run(action, text, *, intent="notify_me", entities=None, sender_id="visitor-p", **slots):
    dispatcher = CollectingDispatcher()
    events = run(action, dispatcher, make_tracker(text, intent=intent, slots=slots, entities=entities,
                                                  sender_id=sender_id))
    return dispatcher, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def _consents(session, sender_id):
    return list(session.scalars(select(ProactiveConsent).where(ProactiveConsent.sender_id == sender_id)))


def test_a_sold_out_answer_offers_a_notification_and_remembers_what_to_watch(session):
    product = sold_out_product(session)
    dispatcher, slots = _run(ActionProductAvailability(), "is it in stock?", intent="product_availability",
                             current_product=product.id)
    assert responses(dispatcher) == ["utter_sold_out", "utter_offer_back_in_stock"]
    assert slots["stock_watch"] == {"product_id": product.id, "colors": [], "sizes": []}


def test_an_in_stock_answer_offers_nothing_and_forgets_an_old_watch(session):
    product = sold_out_product(session)
    restock(session, product)
    dispatcher, slots = _run(ActionProductAvailability(), "is it in stock?", intent="product_availability",
                             current_product=product.id, stock_watch={"product_id": 1, "colors": [], "sizes": []})
    assert "utter_offer_back_in_stock" not in responses(dispatcher) and slots["stock_watch"] is None


def test_a_shop_that_sends_no_notices_neither_offers_nor_promises_one(session, monkeypatch):
    monkeypatch.setattr(get_settings(), "proactive_enabled", False)
    product = sold_out_product(session)
    dispatcher, slots = _run(ActionProductAvailability(), "is it in stock?", intent="product_availability",
                             current_product=product.id)
    assert responses(dispatcher) == ["utter_sold_out"] and slots.get("stock_watch") is None
    watch = {"product_id": product.id, "colors": [], "sizes": []}
    dispatcher, slots = _run(ActionNotifyMe(), "tell me when it's back", stock_watch=watch)
    assert responses(dispatcher) == ["utter_notify_unavailable"] and slots["stock_watch"] is None
    assert _consents(session, "visitor-p") == []


def test_notify_me_here_records_a_widget_consent(session):
    product = sold_out_product(session)
    watch = {"product_id": product.id, "colors": [], "sizes": []}
    dispatcher, _ = _run(ActionNotifyMe(), '/notify_me{"notify_channel": "widget"}',
                         entities=[{"entity": "notify_channel", "value": "widget"}], stock_watch=watch,
                         sender_id="visitor-w")
    assert responses(dispatcher) == ["utter_notify_stock_widget"]
    [consent] = _consents(session, "visitor-w")
    assert consent.channel == "widget" and consent.status == "active"
    assert dispatcher.messages[0]["wording"] == consent.wording


def test_email_without_smtp_is_not_offered(session, monkeypatch):
    monkeypatch.setattr(get_settings(), "smtp_host", "")
    product = sold_out_product(session)
    dispatcher, _ = _run(ActionNotifyMe(), "email me at a@example.com when it's back", sender_id="visitor-x",
                         entities=[{"entity": "email", "value": "a@example.com"}],
                         stock_watch={"product_id": product.id, "colors": [], "sizes": []})
    assert responses(dispatcher) == ["utter_notify_email_unavailable"] and _consents(session, "visitor-x") == []


def test_a_typed_email_is_confirmed_first_and_asks_when_missing(session, monkeypatch):
    monkeypatch.setattr(get_settings(), "smtp_host", "127.0.0.1")
    product = sold_out_product(session)
    watch = {"product_id": product.id, "colors": [], "sizes": []}
    dispatcher, _ = _run(ActionNotifyMe(), '/notify_me{"notify_channel": "email"}', stock_watch=watch,
                         entities=[{"entity": "notify_channel", "value": "email"}], sender_id="visitor-e")
    assert responses(dispatcher) == ["utter_notify_ask_email"]
    dispatcher, slots = _run(ActionNotifyMe(), "bob@example.com", intent="inform", stock_watch=watch,
                             entities=[{"entity": "email", "value": "bob@example.com"}], sender_id="visitor-e")
    assert responses(dispatcher) == ["utter_notify_confirm_email"] and slots == {"email": None}
    [consent] = _consents(session, "visitor-e")
    assert consent.status == "pending" and consent.email == "bob@example.com"
    assert session.scalars(select(ProactiveOutbox.kind).where(ProactiveOutbox.consent_id == consent.id)).all() == [
        "confirm"]


def test_order_updates_need_a_verified_order(session):
    dispatcher, _ = _run(ActionNotifyMe(), "let me know when it ships", sender_id="visitor-o")
    assert responses(dispatcher) == ["utter_notify_what"] and _consents(session, "visitor-o") == []
    number = session.scalars(select(Order.number).where(Order.status == OrderStatus.PACKED)).first()
    dispatcher, _ = _run(ActionNotifyMe(), "let me know when it ships", sender_id="visitor-o",
                         verified_order=number)
    assert responses(dispatcher) == ["utter_notify_order"]
    [consent] = _consents(session, "visitor-o")
    assert consent.kind == "order_updates" and consent.order_number == number


def test_stop_notifications_withdraws_this_conversations_consents_only(session):
    product = sold_out_product(session)
    watch = {"product_id": product.id, "colors": [], "sizes": []}
    for sender in ("visitor-s", "visitor-t"):
        _run(ActionNotifyMe(), "notify me", stock_watch=watch, sender_id=sender)
    dispatcher, _ = _run(ActionStopNotifications(), "unsubscribe", intent="stop_notifications", sender_id="visitor-s")
    assert responses(dispatcher) == ["utter_notifications_stopped"] and dispatcher.messages[0]["count"] == 1
    assert [c.status for c in _consents(session, "visitor-s")] == ["withdrawn"]
    assert [c.status for c in _consents(session, "visitor-t")] == ["active"]
    dispatcher, _ = _run(ActionStopNotifications(), "stop", intent="stop_notifications", sender_id="visitor-s")
    assert responses(dispatcher) == ["utter_no_notifications"]
