"""Handing over to a person: queue the conversation, or take a message outside staffed hours."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.slots import STOP, checked, conversation_language, end_form, first_text, request_source, user_intent
from actions.unit_of_work import ServiceUnavailable, in_transaction
from bot.errors import EmptyMessage, HandoffLimitReached, InvalidEmail
from bot.handoff import is_staffed, leave_message, next_staffed_opening, request_handoff
from bot.language import DEFAULT, grammar, say, weekday_and_time
from bot.models import HandoffReason
from bot.orders import normalise_email
from bot.settings import get_settings

MESSAGE_SLOTS = ("contact_email", "handoff_message")


def _reason(tracker: Tracker) -> HandoffReason:
    if tracker.get_slot("late_order"):
        return HandoffReason.LATE_PARCEL
    recent = [e for e in tracker.events if e.get("event") == "user"][-4:-1]
    if any(user_intent(e) == "nlu_fallback" for e in recent):
        return HandoffReason.FALLBACK
    return HandoffReason.ASKED


def _opening_text(now: datetime, lang: str = DEFAULT) -> str:
    opening = next_staffed_opening(now)
    if opening is None:
        return say("soon", lang)
    return weekday_and_time(opening, get_settings().support_timezone, lang)


def _hours_text(lang: str = DEFAULT) -> str:
    return grammar(lang).support_hours(get_settings().support_hours)


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        reason = _reason(tracker)
        verified = tracker.get_slot("verified_order")

        def work(session: Session):
            return request_handoff(session, sender_id=tracker.sender_id, reason=reason.value,
                                   verified_order_number=verified, source=request_source(tracker))

        try:
            await in_transaction(work)
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_handoff_unavailable")
            return []
        except HandoffLimitReached:
            dispatcher.utter_message(response="utter_handoff_limit")
            return [SlotSet("late_order", None)]
        now = datetime.now(timezone.utc)
        if is_staffed(now):
            dispatcher.utter_message(response="utter_handoff_queued")
            return [SlotSet("agents_available", True), SlotSet("late_order", None)]
        lang = conversation_language(tracker)
        dispatcher.utter_message(response="utter_handoff_offline", hours=_hours_text(lang),
                                 opening=_opening_text(now, lang))
        events = [SlotSet("agents_available", False), SlotSet("late_order", None)]
        if tracker.get_slot("verified_email"):
            # The form then only asks for the message (the address was proven with an order).
            events.append(SlotSet("contact_email", tracker.get_slot("verified_email")))
        return events


class ValidateHandoffMessageForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_message_form"

    def _stopped(self, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        dispatcher.utter_message(response="utter_message_not_left")
        return end_form(**dict.fromkeys(MESSAGE_SLOTS))

    def validate_contact_email(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if first_text(slot_value) == STOP:
            return self._stopped(dispatcher)
        return checked(slot_value, dispatcher, slot="contact_email", normalise=normalise_email,
                       invalid_response="utter_invalid_email")

    def validate_handoff_message(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = first_text(slot_value).strip()
        if text == STOP:
            return self._stopped(dispatcher)
        return {"handoff_message": text or None}


class ActionLeaveMessage(Action):
    def name(self) -> str:
        return "action_leave_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        clear = [SlotSet(slot, None) for slot in MESSAGE_SLOTS]
        email, message = tracker.get_slot("contact_email"), tracker.get_slot("handoff_message")
        if not (email and message):
            return clear

        def work(session: Session):
            return leave_message(session, sender_id=tracker.sender_id, email=email, message=message,
                                 source=request_source(tracker))

        try:
            view = await in_transaction(work)
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_handoff_unavailable")
        except HandoffLimitReached:
            dispatcher.utter_message(response="utter_handoff_limit")
        except (InvalidEmail, EmptyMessage):
            dispatcher.utter_message(response="utter_message_not_left")
        else:
            dispatcher.utter_message(response="utter_message_left", email=view.contact_email,
                                     opening=_opening_text(datetime.now(timezone.utc), conversation_language(tracker)))
        return clear
