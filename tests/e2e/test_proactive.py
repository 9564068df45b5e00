"""Proactive order updates end to end: a verified visitor asks to be kept posted, the order ships,
and the gateway's dispatcher puts the update into the conversation's transcript (real Rasa)."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from sqlalchemy import create_engine, delete, select

from bot.models import Order, OrderStatus, OrderStatusEvent
from bot.transcripts.chat import chat_messages

NOTE = "e2e proactive test"


def _transcript(stack, sender_id: str) -> list[str]:
    engine = create_engine(stack.tracker_url)
    try:
        with engine.connect() as conn:
            return [m.text or "" for m in chat_messages(conn, sender_id=sender_id) if m.sender == "bot"]
    finally:
        engine.dispose()


def test_a_consented_order_update_lands_in_the_transcript_once(stack, db):
    order = db.scalars(select(Order).where(Order.status == OrderStatus.PACKED).order_by(Order.id.desc())).first()
    number, email, before = order.number, order.email, order.status
    sender = f"proactive-order-{number}"
    try:
        assert "order number" in stack.say(sender, "where is my order?").lower()
        stack.say(sender, number)
        stack.say(sender, email)
        nothing_yet = len(_transcript(stack, stack.sid(sender)))
        reply = stack.say(sender, "please let me know when my order ships")
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
