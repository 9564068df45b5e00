import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateOrderStatusForm
from tests.actions.conftest import make_tracker


@pytest.mark.parametrize("value", ["banana", "12", "my order", "?!"])
def test_nonsense_order_number_is_re_asked(value):
    dispatcher = CollectingDispatcher()
    result = ValidateOrderStatusForm().validate_order_number(value, dispatcher, make_tracker(value), {})
    assert result == {"order_number": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_invalid_order_number"]


def test_order_number_is_normalised_and_email_in_same_message_is_kept():
    text = "#100 234 and my email is Anna@Example.com"
    dispatcher = CollectingDispatcher()
    result = ValidateOrderStatusForm().validate_order_number(text, dispatcher, make_tracker(text), {})
    assert result == {"order_number": "100234", "email": "anna@example.com"}
    assert dispatcher.messages == []


@pytest.mark.parametrize("value", ["anna@", "no", "anna at example dot com"])
def test_nonsense_email_is_re_asked(value):
    dispatcher = CollectingDispatcher()
    result = ValidateOrderStatusForm().validate_email(value, dispatcher, make_tracker(value), {})
    assert result == {"email": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_invalid_email"]


def test_duplicate_extractions_arrive_as_a_list_and_are_understood():
    dispatcher = CollectingDispatcher()
    form = ValidateOrderStatusForm()
    assert form.validate_email(["Ann@Example.com", "Ann@Example.com"], dispatcher, make_tracker("x"), {}) == {
        "email": "ann@example.com"
    }
    assert form.validate_order_number(["100234", "100234"], dispatcher, make_tracker("x"), {}) == {"order_number": "100234"}
