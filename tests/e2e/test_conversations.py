"""Conversations over HTTP through the real gateway, Rasa and action server."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, select, text

from bot.formatting import money
from bot.models import Category, Order, Product
from bot.seed import DEMO_ORDERS
from bot.transcripts.store import events

pytestmark = pytest.mark.e2e


def _sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}"


def test_product_search_answers_with_real_catalog_matches(stack, db):
    sender = _sender()
    assert "assistant" in stack.say(sender, "hi").lower()
    response = stack.chat(sender, "do you have running shoes under 80 dollars")
    assert response.status_code == 200
    first = response.json()["messages"][0]
    reply = first["text"]
    lines = [line for line in reply.splitlines() if re.match(r"^\d+\. ", line)]
    assert lines, reply
    # The widget's product cards come with the text and name the same products.
    cards = first["custom"]["products"]
    assert [c["name"] for c in cards] == [re.match(r"^\d+\. (.+) – \$", line).group(1) for line in lines]
    for line in lines:
        name = re.match(r"^\d+\. (.+) – \$", line).group(1)
        product = db.scalar(select(Product).where(Product.name == name))
        assert product is not None, f"{name!r} is not in the catalog"
        assert product.category.slug == "running-shoes"
        assert product.price <= Decimal("80")
        assert money(product.price) in line
        in_stock = sum(v.stock for v in product.variants) > 0
        assert ("out of stock" in line) == (not in_stock)


def test_product_search_with_no_match_says_so(stack, db):
    reply = stack.say(_sender(), "do you have any xylophonezz")
    assert "we don't carry anything called \"xylophonezz\"" in reply.lower(), reply
    categories = db.scalars(select(Category.name)).all()
    assert categories and all(name.lower() in reply.lower() for name in categories), reply


def _status_words(order: Order) -> list[str]:
    return [w for w in (order.tracking_number, order.carrier) if w]


@pytest.mark.parametrize("demo", DEMO_ORDERS[:4], ids=lambda d: d["status"])
def test_order_status_after_verification_matches_the_database(stack, db, demo):
    order = db.scalar(select(Order).where(Order.number == demo["number"]))
    sender = _sender()
    assert "order number" in stack.say(sender, "where is my order?").lower()
    assert "email" in stack.say(sender, f"it's {demo['number']}").lower()
    reply = stack.say(sender, demo["email"])
    assert f"#{order.number}" in reply
    for word in _status_words(order):
        assert word in reply


def test_wrong_email_gets_no_order_details(stack, db):
    demo = DEMO_ORDERS[0]
    order = db.scalar(select(Order).where(Order.number == demo["number"]))
    sender = _sender()
    stack.say(sender, "can you check my order status")
    stack.say(sender, demo["number"])
    reply = stack.say(sender, "someone.else@example.com")
    assert "couldn't find an order" in reply
    for secret in [*_status_words(order), order.status.value, f"#{order.number}"]:
        assert secret not in reply
    # The failure is counted by the gateway's source too (throttles per IP, not only per conversation).
    from bot.models import VerificationFailure

    db.expire_all()
    failure = db.scalar(select(VerificationFailure).where(VerificationFailure.sender_id == stack.sid(sender)))
    assert failure is not None and failure.source and failure.source.startswith("ip-"), failure
    assert failure.email_digest and "@" not in failure.email_digest  # a keyed digest, not the address


def test_nonsense_inside_the_form_is_re_asked_politely(stack):
    sender = _sender()
    stack.say(sender, "track my package")
    reply = stack.say(sender, "banana")
    assert "doesn't look like an order number" in reply
    reply = stack.say(sender, DEMO_ORDERS[0]["number"])
    assert "email" in reply.lower()
    assert "doesn't look like an email" in stack.say(sender, "banana")


def test_number_and_email_in_one_message(stack, db):
    demo = DEMO_ORDERS[1]
    order = db.scalar(select(Order).where(Order.number == demo["number"]))
    reply = stack.say(_sender(), f"where is my order {demo['number']}, my email is {demo['email']}")
    assert f"#{order.number}" in reply


def test_out_of_scope_gets_a_helpful_fallback(stack):
    reply = stack.say(_sender(), "what's the weather like in paris tomorrow")
    assert "products" in reply and "order" in reply


def test_conversations_are_kept_in_the_tracker_store(stack):
    sender = _sender()
    stack.say(sender, "hello")
    engine = create_engine(stack.tracker_url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": stack.sid(sender)}).scalar()
    engine.dispose()
    assert count > 0


def _messages(stack, sender, text):
    response = stack.chat(sender, text)
    assert response.status_code == 200, response.text
    return response.json()["messages"]


def _policy_answers(intent: str) -> set[str]:
    import yaml

    from tests.e2e.stack import ROOT

    knowledge = yaml.safe_load((ROOT / "data/knowledge/shop_policies.yml").read_text())["responses"]
    return {variant["text"] for key, variants in knowledge.items() if key.startswith(f"utter_{intent}/") for variant in variants}


def test_follow_up_questions_refer_to_the_products_shown(stack, db):
    sender = _sender()
    cards = _messages(stack, sender, "show me running shoes")[0]["custom"]["products"]
    assert len(cards) >= 2
    reply = stack.say(sender, "how much is the second one?")
    product = db.get(Product, cards[1]["id"])
    assert product.name in reply and money(product.price) in reply
    stock = stack.say(sender, "is it in stock?")
    assert product.name in stock


def test_filters_alone_narrow_the_search_just_shown(stack, db):
    sender = _sender()
    jeans = [db.get(Product, c["id"]) for c in _messages(stack, sender, "show me levis jeans")[0]["custom"]["products"]]
    assert jeans and all(p.brand.slug == "levis" for p in jeans)
    cheaper = [db.get(Product, c["id"]) for c in _messages(stack, sender, "any cheaper?")[0]["custom"]["products"]]
    assert cheaper and all(p.brand.slug == "levis" and p.category.slug == "jeans" for p in cheaper)
    assert [p.price for p in cheaper] == sorted(p.price for p in cheaper)
    blue = [db.get(Product, c["id"]) for c in _messages(stack, sender, "in blue")[0]["custom"]["products"]]
    assert blue and all(p.brand.slug == "levis" and any(v.color == "blue" for v in p.variants) for p in blue)


def test_a_shipping_question_inside_the_order_form_is_answered_and_the_form_resumes(stack):
    sender = _sender()
    assert "order number" in stack.say(sender, "where is my order?").lower()
    messages = _messages(stack, sender, "how much does shipping cost?")
    texts = [m["text"] for m in messages]
    assert texts[0] in _policy_answers("shipping_info")
    assert "order number" in texts[-1].lower()


def test_policy_questions_are_answered_from_the_knowledge_file(stack):
    sender = _sender()
    assert stack.say(sender, "can I pay with paypal?") in _policy_answers("payment_info")
    assert stack.say(sender, "how many days do i have to send something back") in _policy_answers("return_policy")


def test_handoff_is_recorded_for_the_conversation(stack, db):
    from bot.models import HandoffRequest

    sender = _sender()
    reply = stack.say(sender, "I want to talk to a human")
    assert "team" in reply.lower()
    db.expire_all()
    assert db.scalar(select(HandoffRequest).where(HandoffRequest.sender_id == stack.sid(sender))) is not None


def test_a_typed_yes_to_the_late_parcel_offer_brings_a_person(stack, db):
    from bot.models import HandoffRequest

    late = next(o for o in DEMO_ORDERS if o["number"] == "100004")
    sender = _sender()
    stack.say(sender, "my package never arrived")
    stack.say(sender, late["number"])
    assert "talk to someone" in stack.say(sender, late["email"])
    reply = stack.say(sender, "yes")
    assert "colleague" in reply
    db.expire_all()
    request = db.scalar(select(HandoffRequest).where(HandoffRequest.sender_id == stack.sid(sender)))
    assert request is not None and request.reason.value == "late_parcel" and request.verified_order_number == "100004"
    assert "What can I do for you?" in stack.say(sender, "yes")  # nothing offered this time


def test_gibberish_gets_a_way_forward_never_a_made_up_answer(stack):
    """Messages of unknown words reach the fallback however confident the classifier is
    (rasa_addons/unfamiliar_words.py): "did you mean" buttons or "could you rephrase?",
    then a person."""
    sender = _sender()
    replies = [_messages(stack, sender, text)[0] for text in ("blarg fnord zzzt", "wibble wobble qqq")]
    for reply in replies:
        assert not reply["custom"], "gibberish must not produce product cards"
    assert replies[0]["buttons"] or "rephrase" in replies[0]["text"], replies[0]
    assert any(b["payload"] == "/human_handoff" for b in replies[1]["buttons"]), replies  # two misses in a row
    engine = create_engine(stack.tracker_url)
    with engine.connect() as conn:
        intents = conn.scalars(select(events.c.intent_name)
                               .where(events.c.sender_id == stack.sid(sender), events.c.type_name == "user")
                               .order_by(events.c.id)).all()
    engine.dispose()
    assert intents == ["nlu_fallback", "nlu_fallback"]


def test_shipped_order_cannot_be_cancelled(stack, db):
    demo = DEMO_ORDERS[0]
    sender = _sender()
    stack.say(sender, f"cancel my order {demo['number']}")
    reply = stack.say(sender, demo["email"])
    assert "can't be cancelled" in reply
    db.expire_all()
    assert db.scalar(select(Order.status).where(Order.number == demo["number"])).value == "shipped"


def test_follow_ups_about_the_order_already_proved_do_not_ask_for_it_again(stack, db):
    demo = DEMO_ORDERS[0]  # shipped
    order = db.scalar(select(Order).where(Order.number == demo["number"]))
    sender = _sender()
    stack.say(sender, "wheres my stuff")
    stack.say(sender, demo["number"])
    assert f"#{order.number}" in stack.say(sender, demo["email"])
    for question in ("when will it arrive", "when will it arrive?"):
        again = stack.say(sender, question)
        assert "order number" not in again.lower() and f"#{order.number}" in again, (question, again)
        for word in _status_words(order):
            assert word in again
    cancel = stack.say(sender, "can i still cancel it")
    assert "order number" not in cancel.lower() and "can't be cancelled" in cancel
    db.expire_all()
    assert db.scalar(select(Order.status).where(Order.number == demo["number"])).value == "shipped"


def test_return_request_creates_a_return_record(stack, db):
    from bot.models import ReturnRequest

    demo = DEMO_ORDERS[1]
    sender = _sender()
    assert "order number" in stack.say(sender, "I'd like to return something").lower()
    stack.say(sender, demo["number"])
    ask_reason = _messages(stack, sender, demo["email"])
    assert ask_reason[-1]["buttons"], ask_reason
    confirm = _messages(stack, sender, "Too small")
    assert confirm[-1]["buttons"], confirm
    done = stack.say(sender, "yes")
    reference = re.search(r"RMA-[A-Z0-9]{6}", done).group(0)
    db.expire_all()
    record = db.scalar(select(ReturnRequest).where(ReturnRequest.reference == reference))
    assert record is not None and record.order.number == demo["number"] and record.reason.value == "too_small"


def test_cancellation_after_confirmation_is_recorded(stack, db):
    """Runs last in this module: it changes demo order 100003."""
    demo = DEMO_ORDERS[2]
    sender = _sender()
    assert "order number" in stack.say(sender, "please cancel my order").lower()
    stack.say(sender, demo["number"])
    confirm = _messages(stack, sender, demo["email"])
    assert [b["payload"] for b in confirm[-1]["buttons"]] == ["/affirm", "/deny"]
    assert "cancelled" in stack.say(sender, "yes").lower()
    db.expire_all()
    order = db.scalar(select(Order).where(Order.number == demo["number"]))
    assert order.status.value == "cancelled"
    assert order.history[-1].note.startswith("Cancelled by customer via chat")
