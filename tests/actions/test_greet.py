"""A greeting is answered with a hello; a request that came with it is answered too."""

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.greet import ActionGreet
from bot.models import Category, Product
from tests.actions.conftest import make_tracker, responses, run


def _greet(text: str):
    dispatcher = CollectingDispatcher()
    events = run(ActionGreet(), dispatcher, make_tracker(text, intent="greet"))
    return dispatcher, {e["name"]: e["value"] for e in events}


@pytest.mark.parametrize("text", ["hi", "hello there", "good morning", "hey how are you", "hiya folks"])
def test_a_plain_greeting_gets_the_hello(session, text):
    dispatcher, slots = _greet(text)
    assert responses(dispatcher) == ["utter_greet"] and slots == {}


def test_a_request_with_the_greeting_is_searched(session):
    dispatcher, slots = _greet("hello!! i need new running shoes")
    assert responses(dispatcher) == ["utter_greet_short", "utter_products_found"]
    running = set(session.scalars(select(Product.id).join(Category).where(Category.slug == "running-shoes")))
    assert slots["shown_products"] and set(slots["shown_products"]) <= running


def test_greeting_words_do_not_narrow_the_search(session):
    dispatcher, slots = _greet("hiya, looking for nike hoodies")
    assert responses(dispatcher) == ["utter_greet_short", "utter_products_found"]
    assert slots["last_search"]["keywords"] == [] and slots["last_search"]["brands"] == ["nike"]
