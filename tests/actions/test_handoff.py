import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions.handoff as handoff_actions
from actions.fallback import ActionFallbackSuggest
from actions.handoff import ActionHandoff, ActionLeaveMessage, ValidateHandoffMessageForm
from bot.models import HandoffRequest, HandoffStatus
from tests.actions.conftest import make_tracker, responses, run, validate


def _user(intent, text="x"):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


@pytest.fixture
def staffed(monkeypatch):
    def set_staffed(value: bool):
        monkeypatch.setattr(handoff_actions, "is_staffed", lambda now: value)
    return set_staffed


def _handoff(sender, **slots):
    dispatcher = CollectingDispatcher()
    events = run(ActionHandoff(), dispatcher, make_tracker("human please", intent="human_handoff",
                                                          slots=slots, sender_id=sender))
    return dispatcher, {e["name"]: e["value"] for e in events}


def test_during_staffed_hours_the_conversation_is_queued(session, staffed):
    staffed(True)
    dispatcher, slots = _handoff("needs-human", verified_order="100002")
    assert responses(dispatcher) == ["utter_handoff_queued"]
    assert slots["agents_available"] is True
    request = session.scalar(select(HandoffRequest).where(HandoffRequest.sender_id == "needs-human"))
    assert request.status is HandoffStatus.WAITING and request.verified_order_number == "100002"
    _handoff("needs-human")  # asking twice does not queue twice
    assert len(session.scalars(select(HandoffRequest).where(HandoffRequest.sender_id == "needs-human")).all()) == 1


def test_a_late_parcel_is_recorded_as_the_reason(session, staffed):
    staffed(True)
    _handoff("late-one", late_order="100004")
    request = session.scalar(select(HandoffRequest).where(HandoffRequest.sender_id == "late-one"))
    assert request.reason.value == "late_parcel"


def test_outside_staffed_hours_a_message_can_be_left(session, staffed):
    staffed(False)
    dispatcher, slots = _handoff("night-owl", verified_email="ann@example.com")
    assert responses(dispatcher) == ["utter_handoff_offline"]
    assert slots["agents_available"] is False and slots["contact_email"] == "ann@example.com"
    left = CollectingDispatcher()
    run(ActionLeaveMessage(), left, make_tracker(sender_id="night-owl", slots={
        "contact_email": "ann@example.com", "handoff_message": "My parcel 100004 is late"}))
    assert responses(left) == ["utter_message_left"]
    request = session.scalar(select(HandoffRequest).where(HandoffRequest.sender_id == "night-owl"))
    assert request.status is HandoffStatus.MESSAGE_LEFT
    assert request.contact_email == "ann@example.com" and request.message == "My parcel 100004 is late"


@pytest.mark.parametrize("verified_email", [None, "ann@example.com"])
def test_the_message_form_starts_without_calling_anything_invalid(session, staffed, verified_email):
    """The form's first run sees the slots action_handoff set since the visitor's message."""
    from rasa_sdk import Tracker

    staffed(False)
    events = run(ActionHandoff(), CollectingDispatcher(), make_tracker(
        "human please", intent="human_handoff", sender_id="offline-visitor", slots={"verified_email": verified_email}))
    slots = {"verified_email": verified_email, **{e["name"]: e["value"] for e in events}}
    tracker = Tracker("offline-visitor", slots, {"text": "human please", "intent": {"name": "human_handoff"}},
                      [{"event": "user", "text": "human please"}, *events], False, None,
                      {"name": "handoff_message_form"}, "action_handoff")
    dispatcher, validated = validate(ValidateHandoffMessageForm(), tracker)
    assert responses(dispatcher) == []  # no "that doesn't look like an email address"
    assert validated.get("contact_email") == verified_email


def _fallback(events, ranking, selector=None, slots=None):
    from rasa_sdk import Tracker

    message = {"text": "blorp", "intent": {"name": "nlu_fallback"}, "intent_ranking": ranking}
    if selector is not None:
        message["response_selector"] = selector
    tracker = Tracker("lost", slots or {}, message, events, False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    run(ActionFallbackSuggest(), dispatcher, tracker)
    return dispatcher


def test_first_miss_suggests_the_likely_intents():
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "order_status", "confidence": 0.3},
               {"name": "greet", "confidence": 0.2}, {"name": "shipping_info", "confidence": 0.1}]
    dispatcher = _fallback([_user("greet"), _user("nlu_fallback")], ranking)
    assert responses(dispatcher) == ["utter_did_you_mean"]
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert titles == ["Where is my order?", "Shipping and delivery", "Something else"]


def _selected(key):
    return {"response": {"intent_response_key": key, "confidence": 0.6, "utter_action": f"utter_{key}"}}


@pytest.mark.parametrize("lang, shipping, payment", [
    ("en", ("Delivery time", "How long does delivery take?"), ("Paying in instalments", "Can I pay in instalments?")),
    ("de", ("Lieferzeit", "Wie lange dauert die Lieferung?"), ("Ratenzahlung", "Kann ich in Raten zahlen?")),
])
def test_a_policy_button_asks_the_likeliest_sub_question_of_its_topic(lang, shipping, payment):
    # "when would it come" is unsure between shipping and payment: each topic's button asks
    # that topic's likeliest sub-question, not one fixed question per topic.
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "shipping_info", "confidence": 0.3},
               {"name": "payment_info", "confidence": 0.2}]
    selector = {"shipping_info": _selected("shipping_info/delivery_time"),
                "payment_info": _selected("payment_info/installments"), "default": _selected("shipping_info/delivery_time")}
    dispatcher = _fallback([_user("nlu_fallback")], ranking, selector, {"language": lang})
    buttons = [(b["title"], b["payload"]) for b in dispatcher.messages[0]["buttons"]]
    assert buttons[:2] == [shipping, payment]


def test_a_sub_question_without_a_button_gets_its_topics_general_one():
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "shipping_info", "confidence": 0.3}]
    for selector in ({"shipping_info": _selected("shipping_info/teleport")},  # not in the knowledge file
                     {"shipping_info": _selected("payment_info/paypal")},  # another topic's key
                     {"shipping_info": "garbage"}, {}):
        dispatcher = _fallback([_user("nlu_fallback")], ranking, selector)
        assert dispatcher.messages[0]["buttons"][0] == {"title": "Shipping and delivery",
                                                         "payload": "What are the shipping costs?"}


def test_every_policy_sub_question_has_a_button_in_english_and_german():
    import yaml

    from bot.policy_questions import QUESTIONS
    from tests.e2e.stack import ROOT

    keys = {name.removeprefix("utter_") for name in
            yaml.safe_load((ROOT / "data/knowledge/shop_policies.yml").read_text())["responses"]}
    assert set(QUESTIONS) == keys
    assert all(set(texts) == {"en", "de"} for texts in QUESTIONS.values())


def test_second_miss_in_a_row_offers_a_person():
    dispatcher = _fallback([_user("nlu_fallback"), _user("nlu_fallback")], [])
    assert responses(dispatcher) == ["utter_fallback_offer_human"]


def _from(sender, source):
    tracker = make_tracker("human please", intent="human_handoff", sender_id=sender)
    tracker.events.append({"event": "user", "text": "human please", "metadata": {"source": source}})
    dispatcher = CollectingDispatcher()
    run(ActionHandoff(), dispatcher, tracker)
    return responses(dispatcher)


def test_one_source_gets_a_share_of_the_queue_and_then_a_clear_answer(session, staffed):
    staffed(True)
    for i in range(3):
        assert _from(f"flooder-{i}", "ip-flooder") == ["utter_handoff_queued"]
    assert _from("flooder-3", "ip-flooder") == ["utter_handoff_limit"]
    request = session.scalar(select(HandoffRequest).where(HandoffRequest.sender_id == "flooder-0"))
    assert request.source == "ip-flooder"
    assert session.scalar(select(HandoffRequest).where(HandoffRequest.sender_id == "flooder-3")) is None
    assert _from("another-visitor", "ip-elsewhere") == ["utter_handoff_queued"]
