from decimal import Decimal

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.catalog import ActionSearchProducts
from bot.models import Category, Product
from tests.actions.conftest import make_tracker, run


def _search(text):
    dispatcher = CollectingDispatcher()
    events = run(ActionSearchProducts(), dispatcher, make_tracker(text, intent="product_search"))
    return dispatcher.messages, events


def test_results_are_listed_with_price_stock_and_cards(session):
    messages, events = _search("do you have running shoes under 80 dollars")
    assert len(messages) == 1
    message = messages[0]
    assert message["response"] == "utter_products_found"
    cards = message["custom"]["products"]
    assert cards
    shown = next(e["value"] for e in events if e["name"] == "shown_products")
    assert shown == [c["id"] for c in cards]
    for card, line in zip(cards, message["lines"].splitlines()):
        product = session.get(Product, card["id"])
        assert product.category.slug == "running-shoes"
        assert product.price <= Decimal("80")
        assert product.name in line and f"${product.price:,.2f}" in line
        stock = sum(v.stock for v in product.variants)
        assert ("out of stock" in line) == (stock == 0)


def test_nothing_matching_says_so_and_what_the_shop_sells(session):
    messages, events = _search("do you sell xylophonezz")
    assert [m["response"] for m in messages] == ["utter_not_carried"]
    assert messages[0]["words"] == "xylophonezz"
    names = session.scalars(select(Category.name)).all()
    assert names and all(name.lower() in messages[0]["categories"] for name in names)
    assert {"event": "slot", "name": "shown_products", "value": [], "timestamp": None} in events


def test_nothing_matching_a_catalog_word_says_no_match_not_that_the_shop_lacks_it(session):
    # "xylophonezz" is no catalog word, but "jackets" is: nothing is both, which is not "we don't carry it"
    messages, _ = _search("waterproof jackets made of xylophonezz under $5")
    assert all(m["response"] != "utter_not_carried" for m in messages)


def test_vague_message_asks_what_they_want(session):
    messages, _ = _search("do you have")
    assert [m["response"] for m in messages] == ["utter_ask_what_product"]


def test_nearest_alternatives_when_filters_exclude_everything(session):
    messages, _ = _search("watches under $1")
    assert messages[0]["response"] == "utter_products_nearest"
    assert "price limit" in messages[0]["relaxed_note"]


def test_searches_that_find_nothing_are_recorded_as_unmet_demand(session):
    from sqlalchemy import select

    from bot.models import UnmetSearch

    run(ActionSearchProducts(), CollectingDispatcher(), make_tracker("do you sell purple xylophones", sender_id="unmet-1"))
    run(ActionSearchProducts(), CollectingDispatcher(), make_tracker("running shoes", sender_id="unmet-2"))
    rows = session.scalars(select(UnmetSearch).where(UnmetSearch.sender_id.in_(["unmet-1", "unmet-2"]))).all()
    assert [(r.sender_id, r.kind.value, r.query_text) for r in rows] == [("unmet-1", "no_results", "do you sell purple xylophones")]


def _of_category(session, category, *, besides=()):
    return session.scalars(select(Product).join(Category).where(Category.slug == category,
                                                                Product.id.not_in(besides))).all()


def _sold_out(session, product: Product, color: str | None = None) -> None:
    for variant in product.variants:
        if color is None or variant.color == color:
            variant.stock = 0
    session.flush()


def _slot(events, name):
    return next(e["value"] for e in events if e["event"] == "slot" and e["name"] == name)


def test_a_search_whose_listed_products_are_all_sold_out_offers_the_best_match_back(session):
    for product in _of_category(session, "hoodies"):
        _sold_out(session, product)
    messages, events = _search("hoodies")
    assert [m["response"] for m in messages] == ["utter_products_found", "utter_offer_back_in_stock_listed"]
    cards = messages[0]["custom"]["products"]
    assert cards and not any(card["in_stock"] for card in cards)
    best = session.get(Product, cards[0]["id"])
    assert messages[1]["name"] == best.name
    assert _slot(events, "stock_watch") == {"product_id": best.id, "colors": [], "sizes": []}


def test_sold_out_in_the_asked_colour_watches_that_colour(session):
    messages, _ = _search("black hoodies")
    ids = [card["id"] for card in messages[0]["custom"]["products"]]
    for product_id in ids:
        _sold_out(session, session.get(Product, product_id), color="black")
    for product in _of_category(session, "hoodies", besides=ids):
        _sold_out(session, product, color="black")
    messages, events = _search("black hoodies")
    assert messages[-1]["response"] == "utter_offer_back_in_stock_listed"
    watch = _slot(events, "stock_watch")
    assert watch["colors"] == ["black"] and watch["sizes"] == []
    assert sum(v.stock for v in session.get(Product, watch["product_id"]).variants if v.color == "black") == 0


def test_a_list_with_something_in_stock_offers_nothing_and_forgets_an_older_offer(session):
    messages, events = _search("hoodies")
    cards = messages[0]["custom"]["products"]
    assert cards[0]["in_stock"]
    assert [m["response"] for m in messages] == ["utter_products_found"]
    assert _slot(events, "stock_watch") is None


def test_nearest_matches_found_by_dropping_a_filter_offer_nothing(session):
    for product in _of_category(session, "watches"):
        _sold_out(session, product)
    messages, events = _search("watches under $1")
    assert messages[0]["response"] == "utter_products_nearest"
    assert [m["response"] for m in messages] == ["utter_products_nearest"]
    assert _slot(events, "stock_watch") is None


def test_a_shop_that_sends_no_notices_offers_none(session, monkeypatch):
    from bot.settings import get_settings

    monkeypatch.setattr(get_settings(), "proactive_enabled", False)
    for product in _of_category(session, "hoodies"):
        _sold_out(session, product)
    messages, events = _search("hoodies")
    assert [m["response"] for m in messages] == ["utter_products_found"]
    assert _slot(events, "stock_watch") is None
