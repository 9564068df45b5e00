"""German conversations over HTTP through the real stack (issue 17, item 6): search, order
status with verification, policies and handoff, each checked against the database and
against the German variations of the responses in domain.yml.

The bot answers in the language a message is written in; the widget's language (the
API's `language`) decides for messages whose words don't tell. None of these wordings
is in data/nlu/de/.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.formatting import money
from bot.models import Order, Product
from bot.seed import DEMO_ORDERS
from tests.catalog_queries import db_ids
from tests.e2e.responses import said

pytestmark = pytest.mark.e2e


def _sender() -> str:
    return f"de-{uuid.uuid4().hex[:12]}"


def _messages(stack, sender: str, text: str, language: str | None = None) -> list[dict]:
    response = stack.chat(sender, text, language=language)
    assert response.status_code == 200, response.text
    return response.json()["messages"]


@pytest.mark.parametrize("message, filters", [
    ("Hallo! Habt ihr rote Laufschuhe, so bis 120 €?",
     {"category": "running-shoes", "color": "red", "price_max": "120"}),
    ("ich bräuchte einen grauen Kapuzenpulli von Nike, maximal 70 Euro",
     {"category": "hoodies", "brand": "nike", "color": "grey", "price_max": "70"}),
    ("gibt es bei euch wanderschuhe in größe 44", {"category": "boots", "size": "44"}),
    ("Zeigen Sie mir bitte schwarze Jacken", {"category": "jackets", "color": "black"}),
])
def test_a_german_search_lists_what_the_database_has_in_german(stack, db, message, filters):
    messages = _messages(stack, _sender(), message)
    text = messages[0]["text"]
    assert said("utter_products_found", text, "de"), (message, text)
    cards = (messages[0].get("custom") or {}).get("products") or []
    expected = db_ids(db, **filters)
    assert cards and {c["id"] for c in cards} <= expected, (message, cards)
    for card in cards:
        product = db.get(Product, card["id"])
        # German amounts ("89,99 $"), each the product's real price.
        assert money(product.price, lang="de") in text and card["price"] == money(product.price, lang="de")
    if "price_max" in filters:
        assert all(db.get(Product, c["id"]).price <= Decimal(filters["price_max"]) for c in cards)


@pytest.mark.parametrize("follow_up, position", [("ist der zweite noch auf Lager?", 1), ("und den letzten, gibt's den noch?", -1)])
def test_a_german_follow_up_names_the_product_at_that_place_in_the_list(stack, db, follow_up, position):
    sender = _sender()
    cards = (_messages(stack, sender, "Ich suche Kopfhörer bis 100 Euro")[0].get("custom") or {}).get("products") or []
    assert len(cards) >= 2
    product = db.get(Product, cards[position]["id"])
    reply = stack.say(sender, follow_up)
    assert product.name in reply and said("utter_", reply, "de"), (follow_up, reply)


def test_a_german_visitor_proves_an_order_and_gets_its_status_in_german(stack, db):
    demo = DEMO_ORDERS[0]  # shipped with a tracking number
    order = db.scalar(select(Order).where(Order.number == demo["number"]))
    sender = _sender()
    assert said("utter_ask_order_number", stack.say(sender, "Wo bleibt eigentlich meine Lieferung? Seit Tagen warte ich drauf"), "de")
    assert said("utter_ask_email", stack.say(sender, f"klar, das ist die {order.number}"), "de")
    reply = stack.say(sender, demo["email"])  # an email alone says nothing of its language: the conversation's stays
    status = reply.split("\n")[0]
    assert said("utter_order_shipped", status, "de"), reply
    assert f"#{order.number}" in status and order.tracking_number in status and order.carrier in status


def test_a_wrong_email_gets_a_german_refusal_and_no_order_data(stack, db):
    demo = DEMO_ORDERS[0]
    order = db.scalar(select(Order).where(Order.number == demo["number"]))
    sender = _sender()
    stack.say(sender, "Können Sie nachsehen, wann meine Bestellung ankommt?")
    stack.say(sender, order.number)
    reply = stack.say(sender, "jemand.anders@example.com")
    assert said("utter_order_not_verified", reply, "de"), reply
    assert order.tracking_number not in reply and (order.carrier or "DHL") not in reply


@pytest.mark.parametrize("message, topic", [
    ("Was kostet mich der Versand eigentlich?", "utter_shipping_info/"),
    ("Kann man bei euch auch mit PayPal bezahlen?", "utter_payment_info/"),
    ("Wie viele Tage habe ich Zeit, etwas zurückzuschicken?", "utter_return_policy/"),
])
def test_policy_questions_are_answered_in_german_from_the_topic_asked(stack, message, topic):
    reply = stack.say(_sender(), message)
    assert said(topic, reply, "de"), (message, reply)


def test_asking_for_a_person_in_german_gets_a_german_handoff_answer(stack):
    reply = stack.say(_sender(), "Ich würde gern mit einem echten Mitarbeiter sprechen, bitte.")
    assert said("utter_handoff_", reply, "de") or said("utter_ask_contact_email", reply, "de"), reply


def test_the_answer_follows_the_language_of_each_message(stack):
    sender = _sender()
    assert said("utter_shipping_info/", stack.say(sender, "Verschickt ihr eure Sachen auch nach Österreich?"), "de")
    assert said("utter_shipping_info/", stack.say(sender, "and how long does delivery take?"), "en")


def test_the_widget_language_decides_when_the_words_dont_tell(stack):
    sender = _sender()
    messages = _messages(stack, sender, "Nike", language="de")
    assert said("utter_products_", messages[0]["text"], "de"), messages
    english = _messages(stack, _sender(), "Nike")
    assert said("utter_products_", english[0]["text"], "en"), english


def test_english_conversations_are_unchanged(stack, db):
    reply = stack.say(_sender(), "do you ship to canada?")
    assert said("utter_shipping_info/", reply, "en") and not said("utter_shipping_info/", reply, "de")
