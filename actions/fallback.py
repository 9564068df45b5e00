"""Low NLU confidence: "did you mean ...?" buttons, and after two misses in a row, a human."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.experiments import utter_response
from actions.slots import conversation_language, user_intent
from bot.language import DEFAULT, say, suggestion_buttons
from bot.policy_questions import question_button

# Button titles for intents worth suggesting, and what the button sends.
# Policy topics send a typical question so the answer comes from the knowledge file: the
# question of the sub-question the response selector found likeliest (bot/policy_questions.py),
# or the topic's general one below.
SUGGESTIONS: dict[str, tuple[str, str]] = {
    "product_search": ("Find a product", "/product_search"),
    "product_info": ("Details of a product", "/product_info"),
    "product_availability": ("Check stock", "/product_availability"),
    "order_status": ("Where is my order?", "/order_status"),
    "order_cancel": ("Cancel an order", "/order_cancel"),
    "return_request": ("Return an item", "/return_request"),
    "recommend": ("Recommendations", "/recommend"),
    "human_handoff": ("Talk to a person", "/human_handoff"),
    "shipping_info": ("Shipping and delivery", "What are the shipping costs?"),
    "payment_info": ("Payment methods", "Which payment methods do you accept?"),
    "return_policy": ("Return policy", "How long do I have to return something?"),
}
MAX_SUGGESTIONS = 3
MIN_CONFIDENCE = 0.05


def consecutive_misses(tracker: Tracker) -> int:
    """How many of the latest visitor messages in a row the bot did not understand."""
    misses = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if user_intent(event) != "nlu_fallback":
            break
        misses += 1
    return misses


def likeliest_sub_question(message: dict[str, Any], topic: str) -> str | None:
    """The response selector's likeliest sub-question of a policy topic ("shipping_info/cost")."""
    selection = (message.get("response_selector") or {}).get(topic)
    if not isinstance(selection, dict):
        return None
    key = (selection.get("response") or {}).get("intent_response_key")
    return key if isinstance(key, str) and key.startswith(f"{topic}/") else None


def suggestions(tracker: Tracker, lang: str = DEFAULT) -> list[dict[str, str]]:
    """Buttons for the most likely intents of the latest message."""
    message = tracker.latest_message or {}
    ranking = message.get("intent_ranking") or []
    offered = suggestion_buttons(SUGGESTIONS, lang)
    buttons = []
    for entry in ranking:
        name = entry.get("name")
        if name in offered and (entry.get("confidence") or 0) >= MIN_CONFIDENCE:
            key = likeliest_sub_question(message, name)
            title, payload = (key and question_button(key, lang)) or offered[name]
            buttons.append({"title": title, "payload": payload})
        if len(buttons) == MAX_SUGGESTIONS:
            break
    return buttons


class ActionFallbackSuggest(Action):
    def name(self) -> str:
        return "action_fallback_suggest"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if consecutive_misses(tracker) >= 2:
            await utter_response(dispatcher, tracker, "utter_fallback_offer_human")
            return []
        lang = conversation_language(tracker)
        buttons = suggestions(tracker, lang)
        if not buttons:
            await utter_response(dispatcher, tracker, "utter_default")
            return []
        buttons.append({"title": say("Something else", lang), "payload": "/out_of_scope"})
        await utter_response(dispatcher, tracker, "utter_did_you_mean", buttons=buttons)
        return []
