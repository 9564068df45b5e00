"""Follow-up searches narrow the last one: "any in blue?", "size M", "under 60?", "cheaper ones?"."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.catalog import find_products, parser_for
from bot.catalog.query import ProductQuery
from bot.catalog.refine import from_state, is_follow_up, refine, to_state
from bot.models import Category, Product


@pytest.fixture
def parse(session):
    return parser_for(session).parse


@pytest.mark.parametrize("text", ["any in blue?", "size M", "something under 60 bucks", "cheaper ones?", "in red",
                                  "anything in green instead?"])
def test_filters_alone_are_a_follow_up(parse, text):
    assert is_follow_up(parse(text))


@pytest.mark.parametrize("text", ["black hoodies", "nike", "do u sell waterproof jackets", "hello there", "what colours"])
def test_a_product_named_or_no_filter_is_not(parse, text):
    assert not is_follow_up(parse(text))


def test_the_follow_up_replaces_only_the_filters_it_names(parse):
    before = parse("black nike hoodies size M under 80")
    after = refine(before, parse("any in blue?"))
    assert (after.categories, after.brands, after.colors, after.sizes, after.price_max) == (
        before.categories, before.brands, ("blue",), ("M",), Decimal("80"))
    cheaper = refine(after, parse("under 50 please"))
    assert (cheaper.colors, cheaper.price_max) == (("blue",), Decimal("50"))


def test_a_search_survives_the_slot_and_garbage_does_not(parse):
    query = parse("cheapest red adidas running shoes size 42 between 50 and 90")
    back = from_state(to_state(query))
    assert (back.text, back.categories, back.brands, back.colors, back.sizes, back.price_min, back.price_max,
            back.keywords, back.sort) == (query.text, query.categories, query.brands, query.colors, query.sizes,
                                          query.price_min, query.price_max, query.keywords, query.sort)
    assert from_state(None) is None and from_state("jackets") is None and from_state({"text": 3}) is None
    edited = from_state({"text": "x", "price_max": "lots", "colors": [1, "red"], "sort": "random"})
    assert (edited.price_max, edited.colors, edited.sort) == (None, ("red",), "relevance")


def test_any_in_blue_after_jackets_lists_blue_jackets(session):
    first = find_products(session, text="do you sell jackets")
    assert first.hits
    result = find_products(session, text="any in blue?", previous=to_state(first.query))
    jackets = set(session.scalars(select(Product.id).join(Category).where(Category.slug == "jackets")))
    assert result.hits and not result.relaxed
    for hit in result.hits:
        assert hit.id in jackets
        assert any(v.color == "blue" for v in session.get(Product, hit.id).variants)


def test_a_new_product_starts_a_new_search(session):
    first = find_products(session, text="black hoodies")
    result = find_products(session, text="running shoes", previous=to_state(first.query))
    assert result.query.categories == ("running-shoes",) and result.query.colors == ()


@pytest.mark.parametrize("text", ["anything cheaper?", "those are a bit steep for me - anything cheaper?",
                                  "too expensive tbh"])
def test_cheaper_caps_the_price_below_the_cheapest_product_shown(session, text):
    first = find_products(session, text="show me running shoes")
    cheapest = min(hit.price for hit in first.hits)
    result = find_products(session, text=text, previous=to_state(first.query, cheapest=cheapest))
    assert result.query.price_max is not None and result.query.price_max < cheapest
    assert result.query.categories == ("running-shoes",) and result.query.sort == "price"
    # The search used that cap: every product listed costs no more, and it is stored for the next follow-up.
    assert result.hits and not result.relaxed and all(hit.price <= result.query.price_max for hit in result.hits)
    assert from_state(to_state(result.query)).price_max == result.query.price_max


def test_cheaper_never_raises_a_cap_and_a_stated_price_wins(parse):
    before = parse("jackets between 50 and 150")
    assert refine(before, parse("anything cheaper?"), cheapest=Decimal("79.99")).price_max == Decimal("79")
    assert refine(before, parse("anything cheaper?"), cheapest=Decimal("80.00")).price_max == Decimal("79")
    assert refine(before, parse("anything cheaper?"), cheapest=Decimal("400")).price_max == Decimal("150")
    assert refine(before, parse("anything cheaper than $60?"), cheapest=Decimal("79.99")).price_max == Decimal("60")
    # A floor above the new cap would leave nothing to show: it goes.
    below_floor = refine(before, parse("anything cheaper?"), cheapest=Decimal("50"))
    assert (below_floor.price_min, below_floor.price_max) == (None, Decimal("49"))
    # Unknown prices shown (a slot from before this was remembered): only the order changes.
    assert refine(before, parse("anything cheaper?")).price_max == Decimal("150")
    # "The cheapest ones" sorts what was asked for; it says nothing about the prices shown.
    assert refine(before, parse("show me the cheapest ones"), cheapest=Decimal("79.99")).price_max == Decimal("150")
