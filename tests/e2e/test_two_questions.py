"""Two questions in one message get two answers (issue 17, item 2), over HTTP through the real stack.

The classifier reads a message by its first request and the gateway's channel
hands the second to Rasa right after (rasa_addons/requests.py, channels.py).
The wordings here are not in the training data.
"""

from __future__ import annotations

import uuid

import pytest
import yaml
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot.models import Order
from bot.seed import DEMO_ORDERS
from bot.transcripts.chat import chat_messages
from tests.e2e.stack import ROOT

pytestmark = pytest.mark.e2e


def _sender() -> str:
    return f"two-{uuid.uuid4().hex[:12]}"


def _answers(key: str) -> set[str]:
    knowledge = yaml.safe_load((ROOT / "data/knowledge/shop_policies.yml").read_text())["responses"]
    return {variant["text"] for variant in knowledge[f"utter_{key}"]}


def _texts(stack, sender: str, text: str) -> list[str]:
    response = stack.chat(sender, text)
    assert response.status_code == 200, response.text
    return [m["text"] or "" for m in response.json()["messages"]]


def test_order_status_and_a_shipping_question_are_both_answered(stack):
    demo = DEMO_ORDERS[0]
    sender = _sender()
    texts = _texts(stack, sender, "where's my order and do you guys deliver to canada?")
    assert "order number" in texts[0].lower()  # the first request starts the order form
    assert set(texts) & _answers("shipping_info/countries"), texts  # the second is answered too
    assert "order number" in texts[-1].lower()  # and the form asks again
    stack.say(sender, demo["number"])
    engine = create_engine(stack.shop_db_url)
    with Session(engine) as db:
        order = db.scalar(select(Order).where(Order.number == demo["number"]))
        assert f"#{order.number}" in stack.say(sender, demo["email"])
    engine.dispose()


def test_an_order_question_then_a_refund_question(stack):
    texts = _texts(stack, _sender(), "hey, has my order shipped yet? also how quickly do refunds come through?")
    assert "order number" in texts[0].lower()
    assert set(texts) & _answers("return_policy/refund_time"), texts


def test_the_chat_history_shows_the_visitors_message_once(stack):
    sender = _sender()
    message = "where's my order and do you guys deliver to canada?"
    _texts(stack, sender, message)
    engine = create_engine(stack.tracker_url)
    with engine.connect() as conn:
        shown = [m.text for m in chat_messages(conn, sender_id=stack.sid(sender)) if m.sender == "visitor"]
    engine.dispose()
    assert shown == [message]


def test_one_question_is_not_split(stack):
    texts = _texts(stack, _sender(), "do you deliver to canada?")
    assert len(texts) == 1 and texts[0] in _answers("shipping_info/countries")
