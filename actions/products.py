"""Questions about one product: details and stock, including follow-ups on what was shown."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.catalog import answer_search, product_card
from actions.proactive import sends_notices, stock_watch_value
from actions.slots import conversation_language, product_context
from actions.unit_of_work import ServiceUnavailable, in_transaction
from bot.catalog.products import (
    ProductDetails,
    availability,
    find_referenced_product,
    format_specs,
    product_details,
    referenced_index,
)
from bot.catalog import record_unmet_search
from bot.catalog.query import ProductQuery
from bot.catalog.refine import is_follow_up
from bot.catalog.unmet import availability_unmet_kind
from bot.formatting import decimal, money
from bot.language import DEFAULT, color_name, say


def _listing(values: tuple[str, ...], lang: str = DEFAULT) -> str:
    return ", ".join(values) if values else say("none at the moment", lang)


def _colors(values: tuple[str, ...], lang: str) -> str:
    return _listing(tuple(color_name(c, lang) for c in values), lang)


def _asked(query: ProductQuery, lang: str = DEFAULT) -> str:
    """" in blue, size L" for the colours and sizes a question names."""
    parts = []
    either = f" {say('or', lang)} "
    if query.colors:
        parts.append(either.join(color_name(c, lang) for c in query.colors))
    if query.sizes:
        parts.append(f"{say('size', lang)} " + either.join(query.sizes))
    return (" in " + ", ".join(parts)) if parts else ""


class ProductAction(Action, ABC):
    """Finds the product a question is about, then answers with ``answer``."""

    # Stock questions record what was sold out or not made, for the shop's unmet-demand figures.
    records_unmet_demand = False

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        shown, current = product_context(tracker)
        lang = conversation_language(tracker)

        def work(session: Session) -> tuple[ProductDetails | None, ProductQuery]:
            product_id, query = find_referenced_product(session, text=text, shown=shown, current=current)
            details = product_details(session, product_id=product_id) if product_id else None
            kind = availability_unmet_kind(details, query) if details and self.records_unmet_demand else None
            if kind is not None:
                record_unmet_search(session, text=text, kind=kind, query=query, sender_id=tracker.sender_id,
                                    product_name=details.hit.name)
            return details, query

        try:
            details, query = await in_transaction(work)
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_lookup_unavailable")
            return []
        if details is None:
            previous = tracker.get_slot("last_search")
            if referenced_index(text) is None and (query.names_product or (previous and is_follow_up(query))):
                # Names something the catalog has no single product for, or only filters after
                # a search ("any in blue?"): answer as a search, narrowing the last one.
                return await answer_search(dispatcher, text, sender_id=tracker.sender_id, previous=previous, lang=lang)
            dispatcher.utter_message(response="utter_which_product")
            return []
        watch = self.answer(dispatcher, details, query, lang)
        events = [SlotSet("current_product", details.hit.id)]
        if watch is not None or tracker.get_slot("stock_watch") is not None:
            events.append(SlotSet("stock_watch", watch))  # "tell me when it's back" is about this answer
        return events

    @abstractmethod
    def answer(
        self, dispatcher: CollectingDispatcher, details: ProductDetails, query: ProductQuery, lang: str
    ) -> dict[str, Any] | None:
        """Answer; what was found sold out (the ``stock_watch`` slot), if anything."""


class ActionProductInfo(ProductAction):
    def name(self) -> str:
        return "action_product_info"

    def answer(self, dispatcher: CollectingDispatcher, details: ProductDetails, query: ProductQuery, lang: str) -> None:
        hit = details.hit
        dispatcher.utter_message(
            response="utter_product_info",
            name=hit.name, brand=hit.brand, price=money(hit.price, lang=lang), rating=decimal(hit.rating, lang),
            description=details.description.strip(),
            specs=format_specs(details.specs, lang=lang) or say("no further specs listed", lang),
            colors=_colors(details.colors_in_stock(), lang),
            sizes=_listing(details.sizes_in_stock(), lang),
            url=hit.url,
            json_message={"type": "product_cards", "products": [product_card(hit, lang)]},
        )


class ActionProductAvailability(ProductAction):
    records_unmet_demand = True

    def name(self) -> str:
        return "action_product_availability"

    def answer(
        self, dispatcher: CollectingDispatcher, details: ProductDetails, query: ProductQuery, lang: str
    ) -> dict[str, Any] | None:
        name = details.hit.name
        if not (query.colors or query.sizes):
            if details.hit.in_stock:
                dispatcher.utter_message(response="utter_stock_overview", name=name,
                                         colors=_colors(details.colors_in_stock(), lang),
                                         sizes=_listing(details.sizes_in_stock(), lang))
            else:
                dispatcher.utter_message(response="utter_sold_out", name=name)
                return _offer_back_in_stock(dispatcher, details.hit.id, (), ())
            return None
        found = availability(details, colors=query.colors, sizes=query.sizes)
        asked = _asked(query, lang)
        if found.available:
            dispatcher.utter_message(response="utter_in_stock", name=name, asked=asked, stock=found.stock)
            return None
        color = query.colors[0] if len(query.colors) == 1 else None
        sizes = details.sizes_in_stock(color if color in details.colors_in_stock() else None)
        response = "utter_out_of_stock" if found.matched else "utter_not_offered"
        dispatcher.utter_message(response=response, name=name, asked=asked,
                                 colors=_colors(details.colors_in_stock(), lang), sizes=_listing(sizes, lang))
        # Only what the shop sells and has run out of can come back.
        return _offer_back_in_stock(dispatcher, details.hit.id, query.colors, query.sizes) if found.matched else None


def _offer_back_in_stock(
    dispatcher: CollectingDispatcher, product_id: int, colors: tuple[str, ...], sizes: tuple[str, ...],
) -> dict[str, Any] | None:
    """Offer to tell the visitor when it's back (proactive messages, opt-in); the slot value to remember it by."""
    if not sends_notices():
        return None
    dispatcher.utter_message(response="utter_offer_back_in_stock")
    return stock_watch_value(product_id, colors, sizes)
