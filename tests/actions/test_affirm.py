"""A typed "yes" outside forms answers the bot's last yes/no offer."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions.handoff as handoff_actions
from actions.affirm import ActionAnswerYes
from bot.models import HandoffRequest
from tests.actions.conftest import responses, run

LATE_OFFER = [{"title": "Talk to a person", "payload": "/human_handoff"}, {"title": "No, I'll wait", "payload": "/deny"}]
DID_YOU_MEAN = [{"title": "Shipping and delivery", "payload": "/shipping_info"},
                {"title": "Payment methods", "payload": "/payment_info"}, {"title": "Something else", "payload": "/out_of_scope"}]


def _bot(message: dict) -> dict:
    return {"event": "bot", "text": message.get("text", ""), "data": {"buttons": message.get("buttons")}}


def _yes(sender: str, *bot_messages: dict, slots: dict | None = None, before: tuple = ()):
    events = [*before, {"event": "user", "text": "where is my order"},
              *(_bot(m) for m in bot_messages),
              {"event": "user", "text": "yes"}]
    tracker = Tracker(sender, slots or {}, {"text": "yes", "intent": {"name": "affirm", "confidence": 1.0}},
                      events, False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    result = run(ActionAnswerYes(), dispatcher, tracker)
    return responses(dispatcher), {e["name"]: e["value"] for e in result}


@pytest.fixture
def staffed(monkeypatch):
    def set_staffed(value: bool):
        monkeypatch.setattr(handoff_actions, "is_staffed", lambda now: value)
    return set_staffed


def test_yes_to_the_late_parcel_offer_queues_the_conversation(session, staffed):
    staffed(True)
    said, slots = _yes("late-yes", {"text": "running late...", "buttons": LATE_OFFER},
                       {"text": "You have other orders with us too"}, slots={"late_order": "100004"})
    assert said == ["utter_handoff_queued"] and slots["agents_available"] is True
    request = session.scalar(select(HandoffRequest).where(HandoffRequest.sender_id == "late-yes"))
    assert request is not None and request.reason.value == "late_parcel"


def test_yes_to_the_offer_outside_staffed_hours_goes_on_to_take_a_message(session, staffed):
    staffed(False)
    said, slots = _yes("night-yes", {"text": "Would you like me to bring in a person?", "buttons": LATE_OFFER})
    assert said == ["utter_handoff_offline"] and slots["agents_available"] is False


def test_yes_with_nothing_offered_asks_what_next(session):
    said, slots = _yes("plain-yes", {"text": "You're welcome! Anything else I can help with?"})
    assert said == ["utter_yes_what_next"] and slots == {"agents_available": None}
    assert session.scalar(select(HandoffRequest).where(HandoffRequest.sender_id == "plain-yes")) is None


def test_yes_to_a_choice_of_several_asks_which_one(session):
    said, _ = _yes("choice-yes", {"text": "Did you mean one of these?", "buttons": DID_YOU_MEAN})
    assert said == ["utter_yes_pick_option"]


def test_an_offer_answered_before_does_not_count(session):
    """Only the bot's messages since the visitor's previous message are read."""
    earlier = ({"event": "user", "text": "my parcel is late"}, _bot({"text": "running late...", "buttons": LATE_OFFER}))
    said, _ = _yes("old-offer", {"text": "Alright. Anything else?"}, before=earlier)
    assert said == ["utter_yes_what_next"]
    assert session.scalar(select(HandoffRequest).where(HandoffRequest.sender_id == "old-offer")) is None
