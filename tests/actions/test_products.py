from decimal import Decimal

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.products import ActionProductAvailability, ActionProductInfo
from bot.models import Product
from tests.actions.conftest import make_tracker, responses, run
from tests.bot.line_products import add_line_classic


def _ask(action, text, **slots):
    dispatcher = CollectingDispatcher()
    events = run(action, dispatcher, make_tracker(text, intent="product_info", slots=slots))
    return dispatcher, {e["name"]: e["value"] for e in events}


@pytest.fixture
def shown(session):
    """Three products as if a search had just listed them."""
    return list(session.scalars(select(Product.id).order_by(Product.id).limit(3)))


def test_the_second_one_is_the_second_product_shown(session, shown):
    dispatcher, slots = _ask(ActionProductInfo(), "how much is the second one?", shown_products=shown)
    product = session.get(Product, shown[1])
    message = dispatcher.messages[0]
    assert message["response"] == "utter_product_info"
    assert message["name"] == product.name and message["price"] == f"${product.price:,.2f}"
    assert message["custom"]["products"][0]["id"] == product.id
    assert slots == {"current_product": product.id}


def test_it_means_the_product_being_discussed(session, shown):
    dispatcher, _ = _ask(ActionProductInfo(), "what's it made of", shown_products=shown, current_product=shown[2])
    assert dispatcher.messages[0]["name"] == session.get(Product, shown[2]).name


def test_a_named_product_is_found_in_the_catalog(session):
    product = session.scalar(select(Product).order_by(Product.id.desc()).limit(1))
    dispatcher, slots = _ask(ActionProductInfo(), f"tell me about the {product.name}")
    assert dispatcher.messages[0]["name"] == product.name
    assert slots == {"current_product": product.id}


def test_without_context_the_bot_asks_which_product(session):
    dispatcher, slots = _ask(ActionProductInfo(), "how much is it")
    assert responses(dispatcher) == ["utter_which_product"]
    assert slots == {}


def _colourful(session) -> Product:
    """A product in stock in one colour and missing another colour entirely."""
    for product in session.scalars(select(Product).order_by(Product.id)):
        colours = {v.color for v in product.variants if v.stock > 0}
        if colours and len({v.color for v in product.variants}) < 3:
            return product
    raise AssertionError("no suitable product in the test shop")


def test_stock_in_a_colour_is_the_sum_over_its_sizes(session):
    product = _colourful(session)
    colour = next(v.color for v in product.variants if v.stock > 0)
    dispatcher, _ = _ask(ActionProductAvailability(), f"do you have it in {colour}?", current_product=product.id)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_in_stock"
    assert message["stock"] == sum(v.stock for v in product.variants if v.color == colour)


def test_a_colour_the_product_does_not_come_in_is_told_with_the_alternatives(session):
    product = _colourful(session)
    offered = {v.color for v in product.variants}
    missing = next(c for c in ("red", "blue", "green", "pink", "yellow", "white", "black") if c not in offered)
    dispatcher, _ = _ask(ActionProductAvailability(), f"got it in {missing}?", current_product=product.id)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_not_offered"
    assert set(message["colors"].split(", ")) == {v.color for v in product.variants if v.stock > 0}


def test_price_in_the_answer_is_the_database_price(session, shown):
    product = session.get(Product, shown[0])
    product.price = Decimal("12.34")
    session.flush()
    dispatcher, _ = _ask(ActionProductInfo(), "price of the first one?", shown_products=shown)
    assert dispatcher.messages[0]["price"] == "$12.34"


def test_a_question_naming_no_known_product_is_answered_as_a_search(session):
    dispatcher, slots = _ask(ActionProductAvailability(), "do you have any xylophonezz")
    assert responses(dispatcher) == ["utter_not_carried"]
    assert slots["shown_products"] == [] and slots["last_search"]["keywords"] == ["xylophonezz"]


def test_a_stock_question_about_a_whole_category_lists_its_products(session):
    dispatcher, slots = _ask(ActionProductAvailability(), "do you have hoodies in stock")
    assert responses(dispatcher) == ["utter_products_found"]
    listed = [session.get(Product, pid) for pid in slots["shown_products"]]
    assert len(listed) > 1 and {p.category.slug for p in listed} == {"hoodies"}


def test_a_category_word_means_the_product_being_discussed_when_it_is_one(session):
    jacket = session.scalar(select(Product).join(Product.category).where(Product.category.has(slug="jackets")).limit(1))
    boots = session.scalar(select(Product).join(Product.category).where(Product.category.has(slug="boots")).limit(1))
    dispatcher, _ = _ask(ActionProductInfo(), "how much is the jacket?", current_product=jacket.id)
    assert dispatcher.messages[0]["name"] == jacket.name
    # ... but not when the product being discussed is something else: then the jackets are listed.
    dispatcher, slots = _ask(ActionProductInfo(), "how much is the jacket?", current_product=boots.id)
    assert responses(dispatcher) == ["utter_products_found"]
    assert all(session.get(Product, pid).category.slug == "jackets" for pid in slots["shown_products"])


def test_filters_alone_after_a_search_narrow_that_search(session):
    from actions.catalog import ActionSearchProducts

    dispatcher = CollectingDispatcher()
    events = run(ActionSearchProducts(), dispatcher, make_tracker("black hoodies", intent="product_search"))
    listed = {e["name"]: e["value"] for e in events}
    assert listed["last_search"]["categories"] == ["hoodies"]

    # "any in blue?" is read as a stock question; with a list just shown it narrows the list.
    dispatcher, slots = _ask(ActionProductAvailability(), "any in blue?", **listed)
    assert responses(dispatcher) in (["utter_products_found"], ["utter_products_nearest"])
    assert slots["last_search"]["categories"] == ["hoodies"] and slots["last_search"]["colors"] == ["blue"]
    assert "blue hoodies" in dispatcher.messages[0]["summary"].lower()

    # "size M" as a search narrows it again, keeping the colour.
    dispatcher = CollectingDispatcher()
    events = run(ActionSearchProducts(), dispatcher, make_tracker("size M", intent="product_search", slots=slots))
    narrowed = {e["name"]: e["value"] for e in events}["last_search"]
    assert (narrowed["categories"], narrowed["colors"], narrowed["sizes"]) == (["hoodies"], ["blue"], ["M"])


def test_without_a_search_before_a_bare_colour_still_asks_which_product(session):
    dispatcher, _ = _ask(ActionProductAvailability(), "any in blue?")
    assert responses(dispatcher) == ["utter_which_product"]


def test_the_kanken_is_the_kanken_not_an_accessory_of_its_line(session):
    """Bug: "is the kanken waterproof" answered about the "Kanken Mini Hip Pack"."""
    classic = add_line_classic(session, "Kanken")
    dispatcher, slots = _ask(ActionProductInfo(), "is the kanken waterproof")
    assert dispatcher.messages[0]["name"] == classic.name and slots["current_product"] == classic.id

    dispatcher, slots = _ask(ActionProductAvailability(), "do you have the kanken in pink")
    message = dispatcher.messages[0]
    pink = [v for v in classic.variants if v.color == "pink"]
    assert message["name"] == classic.name and slots["current_product"] == classic.id
    assert message["response"] == ("utter_in_stock" if sum(v.stock for v in pink) else "utter_out_of_stock")


def test_a_search_for_a_line_lists_the_product_named_just_that_line_first(session):
    from actions.catalog import ActionSearchProducts

    classic = add_line_classic(session, "Kanken")
    dispatcher = CollectingDispatcher()
    run(ActionSearchProducts(), dispatcher, make_tracker("kanken", intent="product_search"))
    cards = dispatcher.messages[0]["custom"]["products"]
    line = set(session.scalars(select(Product.id).where(Product.name.ilike("%kanken%"))))
    assert cards[0]["id"] == classic.id and {card["id"] for card in cards} == line
