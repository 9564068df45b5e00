import re

import pytest
from sqlalchemy import select
from rasa_sdk.executor import CollectingDispatcher

from actions.orders import ActionOrderStatus
from bot.formatting import day
from bot.models import Order
from bot.seed import DEMO_ORDERS
from tests.actions.conftest import make_tracker, run


def _ask(number, email, sender="visitor-1", text=""):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, slots={"order_number": number, "email": email}, sender_id=sender)
    events = run(ActionOrderStatus(), dispatcher, tracker)
    return dispatcher.messages, events


def test_verified_visitor_gets_status_carrier_tracking_and_eta(session):
    for demo in DEMO_ORDERS:
        order = session.scalar(select(Order).where(Order.number == demo["number"]))
        messages, events = _ask(demo["number"], demo["email"], sender=f"v-{demo['number']}")
        assert len(messages) == 1
        message = messages[0]
        assert message["response"].startswith("utter_order_")
        assert message["number"] == order.number
        if order.tracking_number:
            assert message["tracking_number"] == order.tracking_number
            assert message["carrier"] == order.carrier
            assert message["eta"] == day(order.estimated_delivery)
        assert {"event": "slot", "name": "verified_order", "value": order.number, "timestamp": None} in events


def test_status_response_matches_the_database_status(session):
    demo = DEMO_ORDERS[0]
    order = session.scalar(select(Order).where(Order.number == demo["number"]))
    messages, _ = _ask(demo["number"], demo["email"])
    assert messages[0]["response"] in {f"utter_order_{order.status.value}", "utter_order_late"}


def test_wrong_email_reveals_nothing_and_clears_the_form(session):
    demo = DEMO_ORDERS[0]
    messages, events = _ask(demo["number"], "wrong@example.com")
    assert [m["response"] for m in messages] == ["utter_order_not_verified"]
    assert all(demo["number"] not in str(v) for m in messages for v in m.values())
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots == {"order_number": None, "email": None}


def test_unknown_order_answers_exactly_like_a_wrong_email(session):
    wrong_email, _ = _ask(DEMO_ORDERS[0]["number"], "wrong@example.com", sender="a")
    unknown, _ = _ask("8888888", DEMO_ORDERS[0]["email"], sender="b")
    assert wrong_email == unknown


def test_throttled_after_repeated_failures(session):
    for _ in range(5):
        _ask(DEMO_ORDERS[1]["number"], "nope@example.com", sender="guesser")
    messages, _ = _ask(DEMO_ORDERS[1]["number"], DEMO_ORDERS[1]["email"], sender="guesser")
    assert messages[0]["response"] == "utter_verification_throttled"


def test_database_down_gives_a_polite_answer(monkeypatch):
    import actions.unit_of_work as uow
    from contextlib import contextmanager

    from sqlalchemy.exc import OperationalError

    @contextmanager
    def broken():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        yield  # pragma: no cover

    monkeypatch.setattr(uow, "session_scope", broken)
    messages, _ = _ask(DEMO_ORDERS[0]["number"], DEMO_ORDERS[0]["email"])
    assert [m["response"] for m in messages] == ["utter_lookup_unavailable"]


def test_a_customer_with_several_orders_hears_about_the_others_and_only_theirs(session):
    from sqlalchemy import func

    email = session.scalar(select(Order.email).group_by(Order.email).having(func.count() > 2).limit(1))
    mine = session.scalars(select(Order).where(Order.email == email).order_by(Order.placed_at.desc())).all()
    messages, events = _ask(mine[0].number, email, sender="several")
    assert [m["response"] for m in messages][1] == "utter_other_orders"
    listed = set(re.findall(r"#(\d+)", messages[1]["lines"]))
    assert listed and listed <= {o.number for o in mine[1:]}
    assert {"event": "slot", "name": "verified_email", "value": email, "timestamp": None} in events


def _single_order_customer(session):
    from sqlalchemy import func

    email = session.scalar(select(Order.email).group_by(Order.email).having(func.count() == 1).order_by(Order.email).limit(1))
    return session.scalar(select(Order).where(Order.email == email))


@pytest.mark.parametrize("text", ["and my other orders?", "what about the rest of my orders", "show me all my orders",
                                  "und meine anderen Bestellungen?", "gibt es weitere Bestellungen?"])
def test_a_customer_with_one_order_who_asks_for_the_others_hears_it_is_the_only_one(session, text):
    order = _single_order_customer(session)
    messages, _ = _ask(order.number, order.email, sender="single", text=text)
    assert [m["response"] for m in messages][1:] == ["utter_only_order"], text
    assert messages[0]["number"] == order.number


@pytest.mark.parametrize("text", ["", "where is my order?", "when will it arrive", "ist alles ok mit meiner Bestellung?"])
def test_a_customer_with_one_order_who_asks_about_it_hears_only_its_status(session, text):
    order = _single_order_customer(session)
    messages, _ = _ask(order.number, order.email, sender="single", text=text)
    assert len(messages) == 1 and messages[0]["number"] == order.number, text
