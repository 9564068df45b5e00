"""The search reply as the visitor reads it (rendered from domain.yml): no "without the
extra words" excuse for chat, and a true one when a real filter had to go."""

from __future__ import annotations

import re

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
