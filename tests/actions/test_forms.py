import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.cancel import ValidateCancelOrderForm
from actions.order_forms import ValidateOrderStatusForm
from actions.slots import STOP
from bot.seed import DEMO_ORDERS
from tests.actions.conftest import form_tracker, make_tracker, responses, validate


@pytest.mark.parametrize("value", ["banana", "12", "my order", "?!"])
def test_nonsense_order_number_is_re_asked(value):
    dispatcher = CollectingDispatcher()
    result = ValidateOrderStatusForm().validate_order_number(value, dispatcher, make_tracker(value), {})
    assert result == {"order_number": None}
    assert responses(dispatcher) == ["utter_invalid_order_number"]


@pytest.mark.parametrize("value", ["anna@", "no", "anna at example dot com"])
def test_nonsense_email_is_re_asked(value):
    dispatcher = CollectingDispatcher()
    result = ValidateOrderStatusForm().validate_email(value, dispatcher, make_tracker(value), {})
    assert result == {"email": None}
    assert responses(dispatcher) == ["utter_invalid_email"]


def test_duplicate_extractions_arrive_as_a_list_and_are_understood():
    dispatcher = CollectingDispatcher()
    form = ValidateOrderStatusForm()
    assert form.validate_email(["Ann@Example.com", "Ann@Example.com"], dispatcher, make_tracker("x"), {}) == {
        "email": "ann@example.com"
    }
    assert form.validate_order_number(["100234", "100234"], dispatcher, make_tracker("x"), {}) == {"order_number": "100234"}


def test_a_value_cut_short_by_one_extractor_does_not_hide_the_valid_one():
    dispatcher = CollectingDispatcher()
    form = ValidateOrderStatusForm()
    assert form.validate_email(["ann.k@", "Ann.K@Example.co.uk"], dispatcher, make_tracker("x"), {}) == {
        "email": "ann.k@example.co.uk"
    }
    assert form.validate_order_number(["order", "#100234"], dispatcher, make_tracker("x"), {}) == {"order_number": "100234"}
    assert dispatcher.messages == []


def test_order_number_is_normalised_and_email_in_same_message_is_kept(session):
    text = "#100 234 and my email is Anna@Example.com"
    tracker = form_tracker("order_status_form", text, extracted={"order_number": text})
    dispatcher, slots = validate(ValidateOrderStatusForm(), tracker)
    assert slots == {"order_number": "100234", "email": "anna@example.com"}
    assert dispatcher.messages == []


def test_a_verified_customer_is_not_asked_for_the_email_again_for_their_own_order(session):
    from sqlalchemy import func, select

    from bot.models import Order

    email = session.scalar(select(Order.email).group_by(Order.email).having(func.count() > 1).limit(1))
    other = session.scalar(select(Order.number).where(Order.email == email).order_by(Order.id.desc()))
    tracker = form_tracker("order_status_form", other, extracted={"order_number": other},
                           slots={"verified_email": email})
    _, slots = validate(ValidateOrderStatusForm(), tracker)
    assert slots == {"order_number": other, "email": email}


def test_someone_elses_order_still_needs_its_own_email(session):
    tracker = form_tracker("order_status_form", DEMO_ORDERS[2]["number"],
                           extracted={"order_number": DEMO_ORDERS[2]["number"]},
                           slots={"verified_email": DEMO_ORDERS[0]["email"]})
    _, slots = validate(ValidateOrderStatusForm(), tracker)
    assert slots == {"order_number": DEMO_ORDERS[2]["number"]}


def test_no_instead_of_an_answer_ends_the_form_politely(session):
    tracker = form_tracker("cancel_order_form", "no forget it", extracted={"order_number": STOP})
    dispatcher, slots = validate(ValidateCancelOrderForm(), tracker)
    assert responses(dispatcher) == ["utter_form_stopped"]
    assert slots["requested_slot"] is None and slots["order_number"] is None
