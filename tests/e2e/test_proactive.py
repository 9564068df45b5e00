"""Proactive order updates end to end: a verified visitor asks to be kept posted, the order ships,
and the gateway's dispatcher puts the update into the conversation's transcript (real Rasa)."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from sqlalchemy import create_engine, delete, select

from bot.models import Order, OrderStatus, OrderStatusEvent
from bot.transcripts.chat import chat_messages
from tests.e2e.responses import said

NOTE = "e2e proactive test"


def _transcript(stack, sender_id: str) -> list[str]:
    engine = create_engine(stack.tracker_url)
    try:
        with engine.connect() as conn:
            return [m.text or "" for m in chat_messages(conn, sender_id=sender_id) if m.sender == "bot"]
    finally:
        engine.dispose()


def good_news(stack, sender: str) -> list[str]:
    """The back-in-stock notices in the transcript of the conversation a test calls ``sender``."""
    return [t for t in _transcript(stack, stack.sid(sender)) if t.startswith("Good news")]


def wait_for_good_news(stack, sender: str, seconds: float = 30) -> list[str]:
    """The back-in-stock notices of ``sender``'s conversation, once there is one (or none after ``seconds``)."""
    deadline, news = time.monotonic() + seconds, []
    while time.monotonic() < deadline and not news:
        news = good_news(stack, sender)
        time.sleep(0.5)
    return news


def test_a_consented_order_update_lands_in_the_transcript_once(stack, db):
    order = db.scalars(select(Order).where(Order.status == OrderStatus.PACKED).order_by(Order.id.desc())).first()
    number, email, before = order.number, order.email, order.status
    sender = f"proactive-order-{number}"
    try:
        assert "order number" in stack.say(sender, "where is my order?").lower()
        stack.say(sender, number)
        stack.say(sender, email)
        nothing_yet = len(_transcript(stack, stack.sid(sender)))
        reply = stack.say(sender, "can you keep me posted about my order please")
        assert number in reply and "stop notifications" in reply, reply
        order.status = OrderStatus.SHIPPED
        db.add(OrderStatusEvent(order_id=order.id, status=OrderStatus.SHIPPED, at=datetime.now(timezone.utc),
                                note=NOTE))
        db.commit()
        deadline = time.monotonic() + 30
        updates: list[str] = []
        while time.monotonic() < deadline and not updates:
            updates = [t for t in _transcript(stack, stack.sid(sender)) if t.startswith(f"Update on your order {number}")]
            time.sleep(0.5)
        assert updates and "shipped" in updates[0], _transcript(stack, stack.sid(sender))
        time.sleep(2.5)  # two more dispatcher rounds: still once
        assert len([t for t in _transcript(stack, stack.sid(sender)) if t.startswith("Update on your order")]) == 1
        assert len(_transcript(stack, stack.sid(sender))) > nothing_yet
        # withdrawn in chat: the consent is gone
        assert "stopped" in stack.say(sender, "stop notifications").lower()
    finally:
        db.rollback()
        db.execute(delete(OrderStatusEvent).where(OrderStatusEvent.order_id == order.id, OrderStatusEvent.note == NOTE))
        db.get(Order, order.id).status = before
        db.commit()


def test_back_in_stock_is_offered_consented_by_button_and_sent_once(stack, db):
    from bot.models import ProductVariant

    sender = f"proactive-stock-{time.monotonic_ns()}"
    response = stack.chat(sender, "show me running shoes")
    assert response.status_code == 200, response.text
    product_id = response.json()["messages"][0]["custom"]["products"][0]["id"]
    variants = list(db.scalars(select(ProductVariant).where(ProductVariant.product_id == product_id)))
    stock = {v.id: v.stock for v in variants}
    try:
        for v in variants:
            v.stock = 0
        db.commit()
        response = stack.chat(sender, "is the first one in stock?")
        messages = response.json()["messages"]
        offer = next(m for m in messages if m.get("buttons"))
        payloads = [b["payload"] for b in offer["buttons"]]
        assert payloads == ['/notify_me{"notify_channel": "widget"}', '/notify_me{"notify_channel": "email"}']
        # a button the bot offered counts as the intent (api/relay.py)
        done = stack.say(sender, payloads[0])
        assert said("utter_notify_stock_widget", done, "en") and "once" in done, done
        time.sleep(2.5)  # dispatcher rounds while it is sold out: nothing
        assert not good_news(stack, sender)
        variants[0].stock = 4
        db.commit()
        news = wait_for_good_news(stack, sender)
        assert news and "/proactive/c/" in news[0]
        time.sleep(2.5)
        assert len(good_news(stack, sender)) == 1
    finally:
        db.rollback()
        for v in variants:
            db.get(ProductVariant, v.id).stock = stock[v.id]
        db.commit()


def test_a_search_that_finds_only_sold_out_products_offers_the_best_one_back(stack, db):
    from bot.models import Brand, Category, Product, ProductVariant

    products = list(db.scalars(select(Product).join(Brand).join(Category)
                               .where(Brand.name == "Columbia", Category.slug == "boots")))
    assert products
    variants = list(db.scalars(select(ProductVariant).where(ProductVariant.product_id.in_([p.id for p in products]))))
    stock = {v.id: v.stock for v in variants}
    sender = f"proactive-search-{time.monotonic_ns()}"
    try:
        for v in variants:
            v.stock = 0
        db.commit()
        response = stack.chat(sender, "hi, do you have any columbia boots?")
        assert response.status_code == 200, response.text
        messages = response.json()["messages"]
        cards = messages[0]["custom"]["products"]
        assert {c["id"] for c in cards} == {p.id for p in products} and not any(c["in_stock"] for c in cards)
        offer = messages[-1]
        best = db.get(Product, cards[0]["id"])
        assert said("utter_offer_back_in_stock_listed", offer["text"], "en") and best.name in offer["text"], offer
        payloads = [b["payload"] for b in offer["buttons"]]
        done = stack.say(sender, payloads[0])
        assert said("utter_notify_stock_widget", done, "en") and best.name in done, done
        time.sleep(2.5)  # dispatcher rounds while it is sold out: nothing
        assert not good_news(stack, sender)
        other = next(p for p in products if p.id != best.id) if len(products) > 1 else None
        if other is not None:  # another product back in stock is not the one asked about
            next(v for v in variants if v.product_id == other.id).stock = 3
            db.commit()
            time.sleep(2.5)
            assert not good_news(stack, sender)
        next(v for v in variants if v.product_id == best.id).stock = 2
        db.commit()
        news = wait_for_good_news(stack, sender)
        assert news and best.name in news[0], _transcript(stack, stack.sid(sender))
        time.sleep(2.5)
        assert len(good_news(stack, sender)) == 1
    finally:
        db.rollback()
        for v in variants:
            db.get(ProductVariant, v.id).stock = stock[v.id]
        db.commit()
