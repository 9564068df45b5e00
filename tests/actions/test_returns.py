from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.returns import ActionAskReturnItem, ActionCreateReturn, ValidateReturnForm
from bot.models import ReturnReason, ReturnRequest
from bot.seed import DEMO_ORDERS
from tests.actions.conftest import form_tracker, make_tracker, responses, run, validate

DELIVERED, SHIPPED, LONG_AGO = DEMO_ORDERS[1], DEMO_ORDERS[0], DEMO_ORDERS[4]


def _verify(demo):
    tracker = form_tracker("return_form", demo["email"], extracted={"email": demo["email"]},
                           slots={"order_number": demo["number"]}, sender_id="returner")
    return validate(ValidateReturnForm(), tracker)


def test_delivered_order_offers_its_items(session):
    dispatcher, slots = _verify(DELIVERED)
    assert dispatcher.messages == []
    choices = slots["return_choices"]
    assert choices and all(c["label"] for c in choices)
    ask = CollectingDispatcher()
    run(ActionAskReturnItem(), ask, make_tracker(slots={"return_choices": choices}))
    assert [b["title"] for b in ask.messages[0]["buttons"]] == [c["label"] for c in choices]


def test_order_still_on_its_way_cannot_be_returned_yet(session):
    dispatcher, slots = _verify(SHIPPED)
    assert responses(dispatcher) == ["utter_return_not_possible_not_delivered"]
    assert slots["requested_slot"] is None


def test_closed_window_is_explained_with_its_date(session):
    dispatcher, slots = _verify(LONG_AGO)
    assert responses(dispatcher) == ["utter_return_not_possible_window_closed"]
    assert dispatcher.messages[0]["days"] == 30
    assert slots["requested_slot"] is None


def test_picked_item_and_reason_become_a_recorded_return(session):
    _, slots = _verify(DELIVERED)
    choices = slots["return_choices"]
    form = ValidateReturnForm()
    picked = form.validate_return_item("1", CollectingDispatcher(), make_tracker("1", slots={"return_choices": choices}), {})
    assert picked == {"return_item": str(choices[0]["index"])}
    state = {"order_number": DELIVERED["number"], "email": DELIVERED["email"], "return_choices": choices, **picked}
    reason = form.validate_return_reason("it's too small", CollectingDispatcher(), make_tracker(slots=state), {})
    assert choices[0]["label"] in reason["return_summary"]

    dispatcher = CollectingDispatcher()
    run(ActionCreateReturn(), dispatcher, make_tracker("yes", intent="affirm", sender_id="returner",
                                                      slots={**state, **reason, "return_confirmed": True}))
    assert responses(dispatcher) == ["utter_return_created"]
    reference = dispatcher.messages[0]["reference"]
    record = session.scalar(select(ReturnRequest).where(ReturnRequest.reference == reference))
    assert record is not None and record.reason is ReturnReason.TOO_SMALL
    assert record.order.number == DELIVERED["number"] and record.sender_id == "returner"


def test_unclear_item_is_asked_again(session):
    choices = [{"index": 1, "label": "Trail Runner (42, black)", "faulty_only": False}]
    dispatcher = CollectingDispatcher()
    result = ValidateReturnForm().validate_return_item("the blue sofa", dispatcher,
                                                       make_tracker(slots={"return_choices": choices}), {})
    assert result == {"return_item": None}
    assert responses(dispatcher) == ["utter_invalid_return_item"]


def test_declined_confirmation_records_nothing(session):
    before = session.scalar(select(ReturnRequest.id).order_by(ReturnRequest.id.desc()).limit(1))
    dispatcher = CollectingDispatcher()
    slots = {"order_number": DELIVERED["number"], "email": DELIVERED["email"], "return_item": "1",
             "return_reason": "too big", "return_confirmed": False}
    run(ActionCreateReturn(), dispatcher, make_tracker("no", intent="deny", slots=slots))
    assert responses(dispatcher) == ["utter_return_not_requested"]
    assert session.scalar(select(ReturnRequest.id).order_by(ReturnRequest.id.desc()).limit(1)) == before
