from sqlalchemy import select
from rasa_sdk.executor import CollectingDispatcher

from actions.cancel import ActionCancelOrder, ValidateCancelOrderForm
from bot.models import Order, OrderStatus
from bot.seed import DEMO_ORDERS
from tests.actions.conftest import form_tracker, make_tracker, responses, run, validate

PLACED, SHIPPED, CANCELLED = DEMO_ORDERS[2], DEMO_ORDERS[0], DEMO_ORDERS[5]


def _verify(demo, email=None, sender="canceller"):
    tracker = form_tracker("cancel_order_form", email or demo["email"],
                           extracted={"email": email or demo["email"]},
                           slots={"order_number": demo["number"]}, sender_id=sender)
    return validate(ValidateCancelOrderForm(), tracker)


def _submit(demo, confirmed, sender="canceller"):
    dispatcher = CollectingDispatcher()
    slots = {"order_number": demo["number"], "email": demo["email"], "cancel_confirmed": confirmed}
    run(ActionCancelOrder(), dispatcher, make_tracker("yes", intent="affirm", slots=slots, sender_id=sender))
    return dispatcher


def _order(session, demo) -> Order:
    order = session.scalar(select(Order).where(Order.number == demo["number"]))
    session.refresh(order)
    return order


def test_unshipped_order_asks_for_confirmation_with_its_summary(session):
    dispatcher, slots = _verify(PLACED)
    assert dispatcher.messages == []
    assert "requested_slot" not in slots  # the form goes on to ask for confirmation
    assert slots["verified_order"] == PLACED["number"]
    assert slots["order_summary"].startswith(f"#{PLACED['number']} (")


def test_confirmed_cancellation_changes_the_order_and_records_it(session):
    dispatcher = _submit(PLACED, True)
    assert responses(dispatcher) == ["utter_cancel_done"]
    order = _order(session, PLACED)
    assert order.status is OrderStatus.CANCELLED
    assert order.history[-1].status is OrderStatus.CANCELLED
    assert order.history[-1].note.startswith("Cancelled by customer via chat")


def test_declined_confirmation_changes_nothing(session):
    before = _order(session, PLACED).status
    dispatcher = _submit(PLACED, False)
    assert responses(dispatcher) == ["utter_cancel_kept"]
    assert _order(session, PLACED).status is before


def test_shipped_order_is_told_to_return_instead_and_the_form_ends(session):
    dispatcher, slots = _verify(SHIPPED)
    assert responses(dispatcher) == ["utter_cancel_too_late"]
    assert slots["requested_slot"] is None
    assert _order(session, SHIPPED).status is OrderStatus.SHIPPED


def test_cancelled_order_has_nothing_left_to_cancel(session):
    dispatcher, slots = _verify(CANCELLED)
    assert responses(dispatcher) == ["utter_cancel_closed"]
    assert slots["requested_slot"] is None


def test_wrong_email_reveals_nothing_and_cancels_nothing(session):
    dispatcher, slots = _verify(PLACED, email="someone@example.com")
    assert responses(dispatcher) == ["utter_order_not_verified"]
    assert slots["requested_slot"] is None and slots["order_number"] is None
    assert "verified_order" not in slots
    assert all(PLACED["number"] not in str(v) for m in dispatcher.messages for v in m.values())
    assert _order(session, PLACED).status is OrderStatus.PLACED


def _starting(form: str, validator, text: str, *, slots: dict, extracted: dict | None = None):
    """The form's first validation (nothing asked yet) in a conversation that already proved an order."""
    tracker = form_tracker(form, text, extracted=extracted or {}, slots=slots, sender_id="returning")
    return validate(validator, tracker)


def test_a_form_started_without_an_order_number_uses_the_order_already_proved(session):
    from actions.order_forms import ValidateOrderStatusForm

    proved = {"verified_order": PLACED["number"], "verified_email": PLACED["email"]}
    dispatcher, slots = _starting("order_status_form", ValidateOrderStatusForm(), "when will it arrive", slots=proved)
    assert dispatcher.messages == []
    assert (slots["order_number"], slots["email"]) == (PLACED["number"], PLACED["email"])

    dispatcher, slots = _starting("cancel_order_form", ValidateCancelOrderForm(), "can I still cancel it", slots=proved)
    assert dispatcher.messages == []  # verified again, and on to the confirmation
    assert slots["order_summary"].startswith(f"#{PLACED['number']} (")

    # A shipped order proved earlier gets the "return it instead" answer at once.
    shipped = {"verified_order": SHIPPED["number"], "verified_email": SHIPPED["email"]}
    dispatcher, slots = _starting("cancel_order_form", ValidateCancelOrderForm(), "cancel it", slots=shipped)
    assert responses(dispatcher) == ["utter_cancel_too_late"] and slots["requested_slot"] is None


def test_an_order_named_in_the_message_wins_over_the_one_proved(session):
    from actions.order_forms import ValidateOrderStatusForm

    proved = {"verified_order": PLACED["number"], "verified_email": PLACED["email"]}
    dispatcher, slots = _starting("order_status_form", ValidateOrderStatusForm(), f"and order {SHIPPED['number']}?",
                                  slots=proved, extracted={"order_number": SHIPPED["number"]})
    assert slots["order_number"] == SHIPPED["number"]
    assert slots.get("email") != PLACED["email"]  # another customer's order: its own email is asked for


def test_without_a_proved_order_the_form_asks_as_usual(session):
    dispatcher, slots = _starting("cancel_order_form", ValidateCancelOrderForm(), "cancel my order", slots={})
    assert dispatcher.messages == [] and "order_number" not in slots


def test_a_by_a_day_question_with_no_order_known_gets_the_delivery_times_and_an_offer(session):
    from actions.order_forms import ValidateOrderStatusForm
    from actions.orders import ActionOrderStatus

    text = "can it get here before christmas?"
    dispatcher, slots = _starting("order_status_form", ValidateOrderStatusForm(), text, slots={})
    assert responses(dispatcher) == ["utter_shipping_info/delivery_time", "utter_offer_order_check"]
    assert slots == {"order_number": None, "email": None, "requested_slot": None}
    # the form's end runs action_order_status (data/rules/orders.yml): it adds nothing
    status = CollectingDispatcher()
    run(ActionOrderStatus(), status, form_tracker("order_status_form", text, extracted={}, slots={"requested_slot": None}))
    assert status.messages == []


def test_a_by_a_day_question_about_an_order_asks_for_it_or_answers_for_the_proved_one(session):
    from actions.order_forms import ValidateOrderStatusForm

    dispatcher, slots = _starting("order_status_form", ValidateOrderStatusForm(), "where is my order? need it by friday",
                                  slots={})
    assert dispatcher.messages == [] and not slots.get("order_number")  # the form goes on to ask for it
    proved = {"verified_order": PLACED["number"], "verified_email": PLACED["email"]}
    dispatcher, slots = _starting("order_status_form", ValidateOrderStatusForm(), "can it get here before christmas?",
                                  slots=proved)
    assert dispatcher.messages == []
    assert (slots["order_number"], slots["email"]) == (PLACED["number"], PLACED["email"])
