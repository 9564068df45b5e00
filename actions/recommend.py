"""Recommendations: best sellers, top rated, similar to or bought with the product discussed, or for a verified customer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.catalog import product_card
from actions.experiments import utter_response
from actions.slots import conversation_language, product_context
from actions.unit_of_work import ServiceUnavailable, in_transaction
from bot.catalog import ProductHit, parser_for
from bot.catalog.products import find_referenced_product, product_details
from bot.formatting import product_line
from bot.language import say
from bot.recommendations import about_the_product, best_sellers, recommendation_kind, similar_products, top_rated
from bot.recs.serving import also_bought, personal_picks


def _recommend(session: Session, tracker: Tracker) -> tuple[str, list[ProductHit], str | None]:
    """(kind, products, what they are based on) for the latest message."""
    text = tracker.latest_message.get("text") or ""
    kind = recommendation_kind(text)
    parser = parser_for(session)
    query = parser.parse(text)
    category = query.categories[0] if query.categories else None
    category_name = parser.vocab.category_names.get(category) if category else None
    if kind in ("similar", "also_bought"):
        shown, current = product_context(tracker)
        about = about_the_product(text) if kind == "also_bought" else text
        product_id, _ = find_referenced_product(session, text=about, shown=shown, current=current)
        if product_id is None:
            return "similar_unknown", [], None
        details = product_details(session, product_id=product_id)
        name = details.hit.name if details else None
        if kind == "also_bought":
            picks = also_bought(session, product_id=product_id)
            # Without purchase data for it, the model has nothing to say: the rules' similar items, said as such.
            return ("also_bought" if picks.source == "model" else "similar"), picks.hits, name
        return "similar", similar_products(session, product_id=product_id), name
    if kind == "personal":
        email = tracker.get_slot("verified_email")
        if email:
            return "personal", personal_picks(session, email=email).hits, None
        return "personal_unverified", best_sellers(session, category_slug=category), category_name
    if kind == "top_rated":
        return "top_rated", top_rated(session, category_slug=category), category_name
    return "best_sellers", best_sellers(session, category_slug=category), category_name


class ActionRecommend(Action):
    def name(self) -> str:
        return "action_recommend"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        try:
            kind, hits, basis = await in_transaction(lambda session: _recommend(session, tracker))
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_lookup_unavailable")
            return []
        if kind == "similar_unknown":
            dispatcher.utter_message(response="utter_which_product")
            return []
        if not hits:
            dispatcher.utter_message(response="utter_no_recommendations")
            return []
        lang = conversation_language(tracker)
        lines = "\n".join(product_line(i, hit, lang) for i, hit in enumerate(hits, start=1))
        scope = say(" in {category}", lang, category=basis) if basis and kind != "similar" else ""
        await utter_response(
            dispatcher, tracker, f"utter_recommend_{kind}", lines=lines, scope=scope, product=basis or "",
            json_message={"type": "product_cards", "products": [product_card(h, lang) for h in hits]},
        )
        return [SlotSet("shown_products", [h.id for h in hits])]
