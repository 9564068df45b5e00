"""Return requests: verify the order, check the window, pick an item and a reason, confirm, record."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.order_forms import ORDER_SLOTS, OrderFormValidation
from actions.slots import STOP, conversation_language, end_form_events, first_text
from actions.unit_of_work import ServiceUnavailable, in_transaction
from bot.errors import OrderNotFound, ReturnNotAllowed, VerificationThrottled
from bot.formatting import day
from bot.language import reason_buttons, reason_name, say
from bot.models import Order
from bot.returns import ReturnView, create_return, match_item, parse_reason, return_eligibility
from bot.returns.eligibility import ORDER_BLOCKERS
from bot.returns.policy import FAULT_REASONS
from bot.settings import get_settings

RETURN_SLOTS = (*ORDER_SLOTS, "return_item", "return_reason", "return_confirmed", "return_choices", "return_summary")

# Shown on the reason question; each title is understood by ``parse_reason``.
REASON_BUTTONS = ("Too small", "Too big", "Damaged or faulty", "Not as described", "Changed my mind", "Other reason")
_REASON_WORDS = {
    "too_small": "too small", "too_large": "too big", "damaged": "damaged or faulty",
    "not_as_described": "not as described", "changed_mind": "changed your mind", "other": "other",
}


def _label(name: str, size: str, color: str) -> str:
    details = ", ".join(part for part in (size, color) if part)
    return f"{name} ({details})" if details else name


def _choices(session: Session, order: Order, dispatcher: CollectingDispatcher, lang: str) -> list[EventType] | None:
    """The items the visitor may pick, or None (after saying why) when none can be returned."""
    eligibility = return_eligibility(session, order=order)
    reason = eligibility.reason
    if reason in ORDER_BLOCKERS or reason == "nothing_returnable":
        dispatcher.utter_message(
            response=f"utter_return_not_possible_{reason}", number=order.number,
            return_by=day(eligibility.return_by, lang), days=get_settings().return_window_days,
        )
        return None
    choices = [
        {"index": item.index, "label": _label(item.name, item.size, item.color),
         "faulty_only": item.reason == "hygiene"}
        for item in eligibility.items
        if item.eligible or item.reason == "hygiene"
    ]
    events: list[EventType] = [SlotSet("return_choices", choices)]
    if len(choices) == 1:
        events.append(SlotSet("return_item", str(choices[0]["index"])))
    if reason == "faulty_only":
        dispatcher.utter_message(response="utter_return_faulty_only")
    return events


def _chosen(tracker: Tracker) -> dict[str, Any] | None:
    wanted = tracker.get_slot("return_item")
    return next((c for c in tracker.get_slot("return_choices") or [] if str(c["index"]) == wanted), None)


class ValidateReturnForm(OrderFormValidation):
    verifies = True
    form_slots = RETURN_SLOTS

    def name(self) -> str:
        return "validate_return_form"

    def check_order(
        self, session: Session, order: Order, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        return _choices(session, order, dispatcher, conversation_language(tracker)) or end_form_events(*RETURN_SLOTS)

    def validate_return_item(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = first_text(slot_value)
        if text == STOP:
            return self.stopped(dispatcher)
        choices = tracker.get_slot("return_choices") or []
        position = match_item(text, [c["label"] for c in choices])
        if position is None:
            dispatcher.utter_message(response="utter_invalid_return_item")
            return {"return_item": None}
        return {"return_item": str(choices[position]["index"])}

    def validate_return_reason(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = first_text(slot_value).strip()
        choice = _chosen(tracker)
        if not text or choice is None:
            return {"return_reason": None}
        code = parse_reason(text)
        if choice["faulty_only"] and code not in FAULT_REASONS:
            dispatcher.utter_message(response="utter_return_hygiene", item=choice["label"])
            return self.stopped(dispatcher)
        lang = conversation_language(tracker)
        reason = reason_name(code.value, _REASON_WORDS[code.value], lang)
        summary = say("{item} from order #{number} ({reason})", lang, item=choice["label"],
                      number=tracker.get_slot("order_number"), reason=reason)
        return {"return_reason": text[:500], "return_summary": summary}

    def validate_return_confirmed(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"return_confirmed": bool(slot_value)}


class ActionAskReturnItem(Action):
    """Asks which item to return, one button per item that may go back."""

    def name(self) -> str:
        return "action_ask_return_item"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        choices = tracker.get_slot("return_choices") or []
        lines = "\n".join(f"{n}. {c['label']}" for n, c in enumerate(choices, start=1))
        buttons = [{"title": c["label"], "payload": str(n)} for n, c in enumerate(choices, start=1)]
        dispatcher.utter_message(response="utter_ask_return_item", lines=lines, buttons=buttons)
        return []


class ActionAskReturnReason(Action):
    def name(self) -> str:
        return "action_ask_return_reason"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = conversation_language(tracker)
        choice = _chosen(tracker) or {"label": say("it", lang)}
        buttons = [{"title": title, "payload": title} for title in reason_buttons(REASON_BUTTONS, lang)]
        dispatcher.utter_message(response="utter_ask_return_reason", item=choice["label"], buttons=buttons)
        return []


class ActionCreateReturn(Action):
    """Runs when the return form ends: records the return if the visitor confirmed."""

    def name(self) -> str:
        return "action_create_return"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        clear = [SlotSet(slot, None) for slot in RETURN_SLOTS]
        confirmed = tracker.get_slot("return_confirmed")
        number, email = tracker.get_slot("order_number"), tracker.get_slot("email")
        item, reason = tracker.get_slot("return_item"), tracker.get_slot("return_reason")
        if confirmed is None or not (number and email and item and reason):
            return clear  # the form ended early and already said why
        if not confirmed:
            dispatcher.utter_message(response="utter_return_not_requested")
            return clear

        def work(session: Session) -> ReturnView:
            return create_return(session, order_number=number, email=email, sender_id=tracker.sender_id,
                                 item_index=int(item), reason=reason)

        try:
            view = await in_transaction(work)
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_lookup_unavailable")
        except (OrderNotFound, VerificationThrottled):
            dispatcher.utter_message(response="utter_order_not_verified")
        except ReturnNotAllowed:
            dispatcher.utter_message(response="utter_return_no_longer_possible", number=number)
        else:
            dispatcher.utter_message(response="utter_return_created", reference=view.reference,
                                     item=_label(view.name, view.size, view.color), number=view.order_number)
        return clear

