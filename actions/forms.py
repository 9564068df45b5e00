"""Validation of the order status form: polite re-asks for nonsense values."""

from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.orders import normalise_email, normalise_order_number


def _first_text(value: Any) -> str:
    """Slot values arrive as a list when two extractors found the same entity."""
    if isinstance(value, list):
        value = next((v for v in value if v), "")
    return value if isinstance(value, str) else str(value or "")


class ValidateOrderStatusForm(FormValidationAction):
    def name(self) -> str:
        return "validate_order_status_form"

    def validate_order_number(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        number = normalise_order_number(_first_text(slot_value))
        if number is None:
            dispatcher.utter_message(response="utter_invalid_order_number")
            return {"order_number": None}
        # The visitor may give the email in the same message ("100234, anna@example.com").
        email = normalise_email(tracker.latest_message.get("text"))
        return {"order_number": number, **({"email": email} if email else {})}

    def validate_email(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        email = normalise_email(_first_text(slot_value))
        if email is None:
            dispatcher.utter_message(response="utter_invalid_email")
            return {"email": None}
        return {"email": email}
