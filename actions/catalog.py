"""Product search action."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.proactive import sends_notices, stock_watch_value
from actions.slots import conversation_language
from actions.unit_of_work import ServiceUnavailable, in_transaction
from bot.catalog import ProductHit, SearchResult, find_products, parser_for, record_unmet_search, search_unmet_kind
from bot.catalog.query import ProductQuery
from bot.catalog.refine import to_state
from bot.language import DEFAULT
from bot.formatting import category_list, money, product_line, query_summary, relaxed_note, stock_text


def product_card(hit: ProductHit, lang: str = DEFAULT) -> dict[str, Any]:
    """The widget's product card for one hit."""
    return {
        "id": hit.id,
        "name": hit.name,
        "brand": hit.brand,
        "price": money(hit.price, lang=lang),
        "stock": stock_text(hit, lang),
        "in_stock": hit.in_stock,
        "url": hit.url,
        "image": hit.image_url,
    }


def sold_out_match(result: SearchResult) -> ProductHit | None:
    """The product to offer a back-in-stock note for after a search: the best match, when nothing listed is in stock.

    Products in stock (in the asked colours and sizes) are listed first, so a sold-out first
    hit means every listed one is sold out: the visitor can buy none of what they asked for,
    and the best match is the one they most likely want back. A list with something in stock
    offers nothing, and neither do nearest matches found by dropping a filter: the visitor
    did not ask for those. Nor does a shop that sends no proactive messages.
    """
    if result.relaxed or not result.hits or result.hits[0].in_stock or not sends_notices():
        return None
    return result.hits[0]


def not_carried(query: ProductQuery) -> bool:
    """The question names only things no catalog word is or starts with, and no category or brand."""
    return bool(query.absent) and set(query.keywords) <= set(query.absent) and not (query.categories or query.brands)


async def answer_search(
    dispatcher: CollectingDispatcher, text: str, *, sender_id: str | None = None,
    previous: dict[str, Any] | None = None, lang: str = DEFAULT,
) -> list[dict[str, Any]]:
    """Search the catalog for ``text`` and answer with the results (or say nothing matched).

    ``previous`` is the conversation's last search (slot ``last_search``): a message that
    only names filters ("any in blue?", "under 60?") narrows it. Also used by the
    product-question actions when a question names no product the catalog knows ("do you
    have any xylophones?") or only filters after a list: a search answer beats "which product?".
    """

    def work(session: Session) -> tuple[SearchResult, str]:
        result = find_products(session, text=text, previous=previous)
        kind = search_unmet_kind(result)
        if kind is not None:  # unmet demand, for the shop's analytics
            record_unmet_search(session, text=text, kind=kind, query=result.query, sender_id=sender_id)
        vocab = parser_for(session).vocab
        return (result, query_summary(result.query, vocab.category_names, vocab.brand_names, lang),
                category_list(vocab.category_names, lang))

    try:
        result, summary, categories = await in_transaction(work)
    except ServiceUnavailable:
        dispatcher.utter_message(response="utter_lookup_unavailable")
        return []
    if result.query.is_empty:
        dispatcher.utter_message(response="utter_ask_what_product")
        return []
    cheapest = min((hit.price for hit in result.hits), default=None)
    remembered = SlotSet("last_search", to_state(result.query, cheapest=cheapest))
    if not result.hits and not_carried(result.query):
        # Only words no product has ("do you sell xylophones?"): say so, and what the shop does sell.
        dispatcher.utter_message(response="utter_not_carried", words=" ".join(result.query.absent),
                                 categories=categories)
        return [SlotSet("shown_products", []), remembered]
    if not result.hits:
        dispatcher.utter_message(response="utter_no_products", query=result.query.text.strip()[:80])
        return [SlotSet("shown_products", []), remembered]
    lines = "\n".join(product_line(i, hit, lang) for i, hit in enumerate(result.hits, start=1))
    cards = {"type": "product_cards", "products": [product_card(h, lang) for h in result.hits]}
    if result.relaxed:
        dispatcher.utter_message(
            response="utter_products_nearest",
            summary=summary,
            relaxed_note=relaxed_note(result.relaxed, lang),
            lines=lines,
            json_message=cards,
        )
    else:
        dispatcher.utter_message(response="utter_products_found", summary=summary, lines=lines, json_message=cards)
    watched = sold_out_match(result)
    if watched is not None:
        dispatcher.utter_message(response="utter_offer_back_in_stock_listed", name=watched.name)
    # "Tell me when it's back" is about this answer: the sold-out best match, or nothing.
    watch = stock_watch_value(watched.id, result.query.colors, result.query.sizes) if watched else None
    return [SlotSet("shown_products", [hit.id for hit in result.hits]), remembered, SlotSet("stock_watch", watch)]


class ActionSearchProducts(Action):
    def name(self) -> str:
        return "action_search_products"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return await answer_search(dispatcher, tracker.latest_message.get("text") or "", sender_id=tracker.sender_id,
                                   previous=tracker.get_slot("last_search"), lang=conversation_language(tracker))
