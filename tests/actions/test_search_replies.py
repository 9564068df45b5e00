"""The search reply as the visitor reads it (rendered from domain.yml): no "without the
extra words" excuse for chat, and a true one when a real filter had to go."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import and_, exists, select

from actions.catalog import ActionSearchProducts
from bot.models import Category, Product, ProductVariant
from tests.actions.conftest import domain, make_tracker, run
from tests.catalog_queries import CHATTY, db_ids


def _reply(text: str) -> tuple[dict, str]:
    dispatcher = CollectingDispatcher()
    run(ActionSearchProducts(), dispatcher, make_tracker(text, intent="product_search"))
    [message] = dispatcher.messages
    template = domain()["responses"][message["response"]][0]["text"]
    return message, template.format(**message)


@pytest.mark.parametrize(("text", "filters"), CHATTY[:5], ids=[text[:40] for text, _ in CHATTY[:5]])
def test_chat_around_a_search_gets_the_matches_and_no_excuse(session, text, filters):
    message, reply = _reply(text)
    expected = db_ids(session, **filters)
    assert expected
    assert message["response"] == "utter_products_found"
    assert "without" not in reply and "Nothing matches" not in reply
    shown = [card["id"] for card in message["custom"]["products"]]
    assert len(shown) == min(5, len(expected)) and set(shown) <= expected


def test_a_model_number_the_catalog_lacks_is_named_as_dropped(session):
    names = list(session.scalars(select(Product.name)))
    taken = {n for name in names for n in re.findall(r"\d+", name)}
    number = next(str(n) for n in range(90, 1000) if str(n) not in taken)
    message, reply = _reply(f"hiya, do you have the adidas adizero sl {number}?")
    assert message["response"] == "utter_products_nearest"
    assert "without the model number" in reply
    assert all("Adizero SL" in session.get(Product, card["id"]).name for card in message["custom"]["products"])


def test_a_real_word_dropped_is_shown_in_the_summary_it_was_dropped_from(session):
    leather_black_jackets = session.scalars(
        select(Product.id).join(Product.category).where(
            Category.slug == "jackets", Product.name.ilike("%leather%") | Product.description.ilike("%leather%"),
            exists().where(and_(ProductVariant.product_id == Product.id, ProductVariant.color == "black")),
        )
    ).all()
    message, reply = _reply("lol ok so my wife wants a black leather jacket")
    if leather_black_jackets:
        assert message["response"] == "utter_products_found"
    else:
        assert reply.startswith("Nothing matches black leather jackets exactly.")
        assert "without the extra words" in reply


def _say(text: str, slots: dict | None = None) -> tuple[dict, str, dict]:
    """The reply to ``text`` in a conversation with ``slots``, rendered, and the slots it sets."""
    dispatcher = CollectingDispatcher()
    events = run(ActionSearchProducts(), dispatcher, make_tracker(text, intent="product_search", slots=slots))
    [message] = dispatcher.messages
    template = domain()["responses"][message["response"]][0]["text"]
    return message, template.format(**message), {e["name"]: e["value"] for e in events}


def _listed(session, message: dict) -> list[Product]:
    return [session.get(Product, card["id"]) for card in message["custom"]["products"]]


def _stated_cap(reply: str) -> Decimal:
    """The price cap the reply's header states ("... for red running shoes, under $68.00:")."""
    caps = re.findall(r"under \$([\d,]+\.\d{2})", reply.splitlines()[0])
    assert len(caps) == 1, reply
    return Decimal(caps[0].replace(",", ""))


def _running_shoes_up_to(session, cap: Decimal, color: str | None = None) -> set[int]:
    """The running shoes of the catalog at or under ``cap`` (in ``color``, if given)."""
    stmt = select(Product.id).join(Category).where(Category.slug == "running-shoes", Product.price <= cap)
    if color:
        stmt = stmt.where(exists().where(and_(ProductVariant.product_id == Product.id, ProductVariant.color == color)))
    return set(session.scalars(stmt))


@pytest.mark.parametrize("follow_up", ["anything cheaper?", "those are a bit steep for me - anything cheaper?"])
def test_cheaper_after_a_list_states_the_lower_cap_it_searched_with(session, follow_up):
    """Bug: the header kept "under $120" and the same shoes came back, only re-sorted."""
    first, reply, slots = _say("got any red running shoes under $120?")
    shown = _listed(session, first)
    assert shown and _stated_cap(reply) == Decimal("120") and all(p.price <= 120 for p in shown)

    message, reply, _ = _say(follow_up, slots)
    cap = _stated_cap(reply)
    assert cap < min(p.price for p in shown)
    listed = {p.id for p in _listed(session, message)}
    if _running_shoes_up_to(session, cap, "red"):
        assert message["response"] == "utter_products_found" and listed <= _running_shoes_up_to(session, cap, "red")
    elif _running_shoes_up_to(session, cap):
        assert "without the colour" in reply and listed <= _running_shoes_up_to(session, cap)
    else:
        # The shop has no cheaper running shoe: the reply says so, and offers the nearest prices.
        assert "without the price limit" in reply and listed <= _running_shoes_up_to(session, Decimal("1e9"))


def test_cheaper_lists_only_products_cheaper_than_every_one_shown(session):
    first, _, slots = _say("show me running shoes")
    shown = _listed(session, first)
    message, reply, _ = _say("too pricey for me, anything cheaper?", slots)
    cap = _stated_cap(reply)
    assert cap < min(p.price for p in shown)
    expected = _running_shoes_up_to(session, cap)
    assert expected, "the test shop has running shoes cheaper than the best rated ones"
    listed = _listed(session, message)
    assert message["response"] == "utter_products_found" and listed
    assert {p.id for p in listed} <= expected
    assert [p.price for p in listed] == sorted(p.price for p in listed)


def test_asking_for_the_cheapest_keeps_the_cap_and_sorts_by_price(session):
    first, _, slots = _say("got any red running shoes under $120?")
    message, reply, _ = _say("show me the cheapest ones", slots)
    assert _stated_cap(reply) == Decimal("120")
    prices = [p.price for p in _listed(session, message)]
    assert prices == sorted(prices) and min(prices) == min(p.price for p in _listed(session, first))
