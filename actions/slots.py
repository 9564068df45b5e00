"""Slot values as the actions see them, and the events that end a form early."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from bot.language import DEFAULT, language_of, say

# What a form slot holds when the visitor said "no"/"stop" instead of answering
# (see the `from_intent: deny` mappings in domain.yml).
STOP = "__stop__"


def first_text(value: Any) -> str:
    """Slot values arrive as a list when two extractors found the same entity."""
    if isinstance(value, list):
        value = next((v for v in value if v), "")
    return value if isinstance(value, str) else str(value or "")


def end_form(**clear: Any) -> dict[str, Any]:
    """Validation output that ends the active form now (Rasa deactivates it)."""
    return {**clear, REQUESTED_SLOT: None}


def end_form_events(*slots: str) -> list[dict[str, Any]]:
    """``end_form`` as events, clearing ``slots``."""
    return [*(SlotSet(slot, None) for slot in slots), SlotSet(REQUESTED_SLOT, None)]


def conversation_language(tracker: Tracker) -> str:
    """The language the answers are in: the `language` slot (see domain.yml)."""
    return language_of(tracker.get_slot("language"))


def item_count(quantities: list[int] | tuple[int, ...], lang: str = DEFAULT) -> str:
    count = sum(quantities)
    return say("{n} item" if count == 1 else "{n} items", lang, n=count)


def checked(
    value: Any, dispatcher: CollectingDispatcher, *, slot: str,
    normalise: Callable[[str], str | None], invalid_response: str,
) -> dict[str, Any]:
    """``{slot: normalised value}``, or a polite re-ask and ``{slot: None}`` when it is not valid.

    With two extractors the value is a list, and one of them may have cut the
    text short (the CRF learned emails from examples; the regex knows their shape):
    the first value that is valid wins.
    """
    if value is None:
        # Cleared by an action (SlotSet(slot, None)) just before the form ran: nothing was typed, so
        # there is nothing to call invalid; the form asks for the slot as usual.
        return {slot: None}
    values = value if isinstance(value, list) else [value]
    result = next(filter(None, (normalise(first_text(v)) for v in values)), None)
    if result is None:
        dispatcher.utter_message(response=invalid_response)
    return {slot: result}


def user_intent(event: dict[str, Any]) -> str | None:
    """The intent NLU gave a visitor message event (None for other events)."""
    if event.get("event") != "user":
        return None
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def product_context(tracker: Tracker) -> tuple[list[int], int | None]:
    """The products last listed and the one being discussed, for follow-up questions."""
    shown = [int(i) for i in tracker.get_slot("shown_products") or []]
    current = tracker.get_slot("current_product")
    return shown, int(current) if current is not None else None


def request_source(tracker: Tracker) -> str | None:
    """The source the gateway stamped on the visitor's latest message (bot/sources.py), if any.

    Only the gateway's channel carries it (rasa_addons/channels.py); a message that
    reached Rasa another way (its loopback REST channel) has none, and is then
    throttled per conversation, number, email and shop only.
    """
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            metadata = event.get("metadata") or {}
            source = metadata.get("source") if isinstance(metadata, dict) else None
            return source if isinstance(source, str) and source else None
    return None
