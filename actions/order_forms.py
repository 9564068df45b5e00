"""Forms that act on one order: order number and email first, verified before anything else.

The order status form only collects the pair (``action_order_status`` verifies it).
The cancel and return forms verify inside validation, so a wrong pair, a throttled
conversation or an order that cannot be changed ends the form with an explanation
before the visitor is asked anything else.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.slots import STOP, checked, end_form, end_form_events, first_text, request_source
from actions.unit_of_work import ServiceUnavailable, in_transaction
from bot.errors import VerificationThrottled
from bot.models import Order
from bot.orders import normalise_email, normalise_order_number, verify_order
from bot.orders.deadlines import asks_before_ordering
from bot.orders.lookup import is_customer_order

ORDER_SLOTS = ("order_number", "email")


class OrderFormValidation(FormValidationAction, ABC):
    """Validation shared by the order forms; subclasses set ``verifies`` and ``check_order``."""

    verifies = False
    # Slots cleared when the form ends early.
    form_slots: tuple[str, ...] = ORDER_SLOTS

    @abstractmethod
    def name(self) -> str: ...

    def stopped(self, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        dispatcher.utter_message(response="utter_form_stopped")
        return end_form(**dict.fromkeys(self.form_slots))

    def validate_order_number(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if first_text(slot_value) == STOP:
            return self.stopped(dispatcher)
        return checked(slot_value, dispatcher, slot="order_number", normalise=normalise_order_number,
                       invalid_response="utter_invalid_order_number")

    def validate_email(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if first_text(slot_value) == STOP:
            return self.stopped(dispatcher)
        return checked(slot_value, dispatcher, slot="email", normalise=normalise_email,
                       invalid_response="utter_invalid_email")

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = await super().get_validation_events(dispatcher, tracker, domain)
        if any(e.get("name") == REQUESTED_SLOT and e.get("value") is None for e in events):
            return events  # the visitor stopped the form
        changed = {e.get("name") for e in events if e.get("value") is not None}
        number = tracker.get_slot("order_number")
        email = tracker.get_slot("email")
        if not number and tracker.get_slot(REQUESTED_SLOT) is None:
            # The form is just starting and the visitor named no order ("when will it arrive?",
            # "can I still cancel it?"): the order this conversation has already proved.
            number, email = tracker.get_slot("verified_order"), tracker.get_slot("verified_email")
            if number and email:
                events += [SlotSet("order_number", number), SlotSet("email", email)]
                changed |= set(ORDER_SLOTS)
        if number and not email:
            email = await self._known_email(tracker, number)
            if email:
                events.append(SlotSet("email", email))
                changed.add("email")
        if self.verifies and number and email and changed & set(ORDER_SLOTS):
            events.extend(await self._verify(dispatcher, tracker, number, email))
        return events

    async def _known_email(self, tracker: Tracker, number: str) -> str | None:
        """The email typed with the number ("100234, anna@example.com"), or the one this
        conversation already proved for another order of the same customer."""
        typed = normalise_email(tracker.latest_message.get("text"))
        if typed:
            return typed
        known = normalise_email(tracker.get_slot("verified_email"))
        if known is None:
            return None
        try:
            owned = await in_transaction(lambda s: is_customer_order(s, email=known, number=number))
        except ServiceUnavailable:
            return None
        return known if owned else None

    async def _verify(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, number: str, email: str
    ) -> list[EventType]:
        def work(session: Session) -> list[EventType] | None:
            order = verify_order(session, number=number, email=email, sender_id=tracker.sender_id,
                                 source=request_source(tracker))
            return None if order is None else self.check_order(session, order, dispatcher, tracker)

        try:
            events = await in_transaction(work)
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_lookup_unavailable")
            return end_form_events(*self.form_slots)
        except VerificationThrottled as exc:
            dispatcher.utter_message(response="utter_verification_throttled", minutes=exc.retry_after_minutes)
            return end_form_events(*self.form_slots)
        if events is None:
            dispatcher.utter_message(response="utter_order_not_verified")
            return end_form_events(*self.form_slots)
        return [SlotSet("verified_order", number), SlotSet("verified_email", email), *events]

    def check_order(
        self, session: Session, order: Order, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        """After verification: what this form needs to know about ``order`` (runs in the DB thread)."""
        return []


class ValidateOrderStatusForm(OrderFormValidation):
    def name(self) -> str:
        return "validate_order_status_form"

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = await super().get_validation_events(dispatcher, tracker, domain)
        if asks_before_ordering_here(tracker, events):
            # "can it get here before christmas?" with no order proved or named: most likely
            # about buying. The delivery times, and a button for a visitor who did order.
            dispatcher.utter_message(response="utter_shipping_info/delivery_time")
            dispatcher.utter_message(response="utter_offer_order_check")
            return end_form_events(*self.form_slots)
        return events


def asks_before_ordering_here(tracker: Tracker, events: list[EventType] | None = None) -> bool:
    """The order status form starts on a by-a-day question while no order is known.

    No order number in the slots or set by ``events``, none proved earlier in the
    conversation, and the message names no order ("can it get here by friday?").
    """
    if tracker.get_slot(REQUESTED_SLOT) is not None or tracker.get_slot("verified_order"):
        return False
    if tracker.get_slot("order_number") or any(
        e.get("name") == "order_number" and e.get("value") for e in events or []
    ):
        return False
    return asks_before_ordering(tracker.latest_message.get("text"))
