"""A verified customer of a segment with a wording is answered in that wording, and the message names the rule."""

from __future__ import annotations

import uuid
from decimal import Decimal

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.greet import ActionGreet
from actions.orders import ActionOrderStatus
from bot.experiments import ArmInput, ExperimentInput, WordingInput, create_experiment, save_wording
from bot.models import Customer, CustomerSegment
from bot.seed import DEMO_ORDERS
from tests.actions.conftest import make_tracker, run

LATE = next(o for o in DEMO_ORDERS if o["number"] == "100004")  # shipped and late
WIN_BACK = "We value you! Order #{number} with {carrier} is late; we're on it."


def _put_in_segment(session, email: str, segment: str) -> None:
    customer_id = session.scalar(select(Customer.id).where(Customer.email == email))
    session.merge(CustomerSegment(days_ago=0, customer_id=customer_id, segment=segment, r_score=1, f_score=5,
                                  m_score=5, recency_days=200, frequency=9, monetary=Decimal("900.00")))
    session.flush()


def _wording(session, response: str, segment: str, text: str):
    return save_wording(session, data=WordingInput(response=response, language="en", segment=segment, text=text),
                        updated_by="admin@example.com")


def _late_status(sender: str) -> dict:
    dispatcher = CollectingDispatcher()
    slots = {"order_number": LATE["number"], "email": LATE["email"], "language": "en"}
    run(ActionOrderStatus(), dispatcher, make_tracker("", slots=slots, sender_id=sender))
    return dispatcher.messages[0]


def test_a_verified_customer_in_a_segment_gets_that_segments_text_with_the_rule_in_the_metadata(session):
    _put_in_segment(session, LATE["email"], "Can't lose them")
    wording = _wording(session, "utter_order_late", "Can't lose them", WIN_BACK)
    _wording(session, "utter_order_late", "Champions", "Thanks, champion! #{number} is late.")
    message = _late_status(f"v-{uuid.uuid4().hex}")
    assert message["response"] == "utter_order_late"
    assert message["text"].startswith(f"We value you! Order #{LATE['number']} with ") and "{" not in message["text"]
    assert (message["segment_wording"], message["segment"]) == (wording.id, "Can't lose them")
    assert "ab_experiment" not in message


def test_a_customer_of_another_segment_gets_the_domain_text(session):
    _put_in_segment(session, LATE["email"], "Loyal")
    _wording(session, "utter_order_late", "Can't lose them", WIN_BACK)
    message = _late_status(f"v-{uuid.uuid4().hex}")
    assert message["response"] == "utter_order_late" and message["text"] is None
    assert "segment_wording" not in message


def test_an_experiment_on_the_segment_wins_and_the_message_names_arm_and_segment(session):
    _put_in_segment(session, LATE["email"], "Can't lose them")
    _wording(session, "utter_order_late", "Can't lose them", WIN_BACK)
    experiment = create_experiment(session, data=ExperimentInput(
        name="Win-back", response="utter_order_late", language="en", metric="contained", segment="Can't lose them",
        arms=(ArmInput("A", "A: #{number} is late.", 50), ArmInput("B", "B: #{number} is late.", 50)),
        baseline_rate=0.6, min_effect=0.1), created_by="admin@example.com")
    message = _late_status(f"v-{uuid.uuid4().hex}")
    assert message["text"][:2] in ("A:", "B:")
    assert (message["ab_experiment"], message["segment"]) == (experiment.id, "Can't lose them")
    assert "segment_wording" not in message


def test_a_verified_customer_who_greets_again_gets_the_segments_greeting(session):
    _put_in_segment(session, LATE["email"], "Champions")
    _wording(session, "utter_greet", "Champions", "Welcome back, and thank you for shopping with us so often!")
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("hi", intent="greet", slots={"verified_email": LATE["email"], "language": "en"},
                           sender_id=f"v-{uuid.uuid4().hex}")
    run(ActionGreet(), dispatcher, tracker)
    [message] = dispatcher.messages
    assert message["response"] == "utter_greet" and message["text"].startswith("Welcome back")
    assert message["segment"] == "Champions"
    # An anonymous visitor's greeting is the domain's.
    dispatcher = CollectingDispatcher()
    run(ActionGreet(), dispatcher, make_tracker("hi", intent="greet", sender_id=f"v-{uuid.uuid4().hex}"))
    assert dispatcher.messages[0]["text"] is None and "segment" not in dispatcher.messages[0]
