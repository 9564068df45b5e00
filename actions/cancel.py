"""Cancelling an order: verify, check it has not shipped, confirm, cancel."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.order_forms import ORDER_SLOTS, OrderFormValidation
from actions.slots import conversation_language, end_form_events, item_count, user_intent
from actions.unit_of_work import ServiceUnavailable, in_transaction
from bot.errors import OrderNotCancellable, OrderNotFound, VerificationThrottled
from bot.formatting import day, money
from bot.language import DEFAULT, say, status_name
from bot.models import Order
from bot.orders.cancel import cancel_order, cancellation_check
from bot.settings import get_settings

CANCEL_SLOTS = (*ORDER_SLOTS, "cancel_confirmed", "order_summary")


def order_summary(order: Order, lang: str = DEFAULT) -> str:
    """``#100234 (2 items, $129.90, placed Mon 2 Nov 2026)``."""
    return (f"#{order.number} ({item_count([i.quantity for i in order.items], lang)}, "
            f"{money(order.total, order.currency, lang)}, {say('placed {day}', lang, day=day(order.placed_at, lang))})")


class ValidateCancelOrderForm(OrderFormValidation):
    verifies = True
    form_slots = CANCEL_SLOTS

    def name(self) -> str:
        return "validate_cancel_order_form"

    def check_order(
        self, session: Session, order: Order, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        check = cancellation_check(order)
        if check.cancellable:
            return [SlotSet("order_summary", order_summary(order, conversation_language(tracker)))]
        if check.reason == "shipped":
            dispatcher.utter_message(response="utter_cancel_too_late", number=order.number,
                                     days=get_settings().return_window_days)
        else:
            dispatcher.utter_message(response="utter_cancel_closed", number=order.number,
                                     status=status_name(order.status.value, conversation_language(tracker)))
        return end_form_events(*CANCEL_SLOTS)

    def validate_cancel_confirmed(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"cancel_confirmed": bool(slot_value)}


class ActionCancelOrder(Action):
    """Runs when the cancel form ends: cancels if the visitor confirmed."""

    def name(self) -> str:
        return "action_cancel_order"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        clear = [SlotSet(slot, None) for slot in CANCEL_SLOTS]
        confirmed = tracker.get_slot("cancel_confirmed")
        number, email = tracker.get_slot("order_number"), tracker.get_slot("email")
        if confirmed is None or not (number and email):
            return clear  # the form ended early and already said why
        if not confirmed:
            dispatcher.utter_message(response="utter_cancel_kept", number=number)
            return clear
        reason = _reason_text(tracker)

        def work(session: Session):
            return cancel_order(session, order_number=number, email=email,
                                sender_id=tracker.sender_id, reason=reason)

        try:
            await in_transaction(work)
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_lookup_unavailable")
        except (OrderNotFound, VerificationThrottled):
            dispatcher.utter_message(response="utter_order_not_verified")
        except OrderNotCancellable:
            # Shipped between the question and the "yes".
            dispatcher.utter_message(response="utter_cancel_too_late", number=number,
                                     days=get_settings().return_window_days)
        else:
            dispatcher.utter_message(response="utter_cancel_done", number=number)
        return clear


def _reason_text(tracker: Tracker) -> str:
    """The visitor's own words from the message that asked to cancel ("ordered the wrong size")."""
    for event in reversed(tracker.events):
        if user_intent(event) == "order_cancel":
            return (event.get("text") or "")[:300]
    return ""
