"""Order status action: verify ownership, then tell the status from the DB."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.experiments import utter_response
from actions.order_forms import asks_before_ordering_here
from actions.slots import conversation_language, item_count, request_source
from actions.unit_of_work import ServiceUnavailable, in_transaction
from bot.errors import VerificationThrottled
from bot.formatting import day
from bot.language import DEFAULT, say, status_name
from bot.orders import OrderView, normalise_email, normalise_order_number, order_view, verify_order
from bot.orders.lookup import orders_for_customer

MAX_OTHER_ORDERS = 3
# "my other orders?", "all my orders", "the rest of my orders", "meine anderen Bestellungen"
_ASKS_FOR_OTHERS = re.compile(
    r"\b(other|others|another|rest|all|andere[nrs]?|weitere[nrs]?|restlichen?|übrigen?|alle|allen)\b", re.IGNORECASE)
_CLEAR_FORM = [SlotSet("order_number", None), SlotSet("email", None)]


def status_response(view: OrderView, lang: str = DEFAULT) -> tuple[str, dict[str, Any]]:
    """The domain response that tells ``view``'s status, and its variables."""
    name = "utter_order_late" if view.is_late else f"utter_order_{view.status}"
    return name, {
        "number": view.number,
        "placed_on": day(view.placed_at, lang),
        "item_count": item_count([item.quantity for item in view.items], lang),
        "carrier": view.carrier or say("the carrier", lang),
        "tracking_number": view.tracking_number or say("not available yet", lang),
        "eta": day(view.estimated_delivery, lang),
        "delivered_on": day(view.delivered_at, lang),
    }


def other_order_line(view: OrderView, lang: str = DEFAULT) -> str:
    """``#100235 (placed Mon 2 Nov 2026): shipped``."""
    return f"#{view.number} ({say('placed {day}', lang, day=day(view.placed_at, lang))}): {status_name(view.status, lang)}"


def asks_for_other_orders(text: str | None) -> bool:
    """Whether the visitor's words ask about orders besides one ("and my other orders?")."""
    return bool(text) and _ASKS_FOR_OTHERS.search(text) is not None


class ActionOrderStatus(Action):
    def name(self) -> str:
        return "action_order_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        number = normalise_order_number(tracker.get_slot("order_number"))
        email = normalise_email(tracker.get_slot("email"))
        if number is None and email is None and asks_before_ordering_here(tracker):
            return _CLEAR_FORM  # the form's validation answered with the delivery times
        if number is None or email is None:
            dispatcher.utter_message(response="utter_order_not_verified")
            return _CLEAR_FORM

        def work(session: Session) -> tuple[OrderView | None, list[OrderView]]:
            order = verify_order(session, number=number, email=email, sender_id=tracker.sender_id,
                                 source=request_source(tracker))
            if order is None:
                return None, []
            others = orders_for_customer(session, email=email, limit=MAX_OTHER_ORDERS + 1)
            return order_view(order, today=date.today()), [o for o in others if o.number != order.number]

        try:
            view, others = await in_transaction(work)
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_lookup_unavailable")
            return _CLEAR_FORM
        except VerificationThrottled as exc:
            dispatcher.utter_message(response="utter_verification_throttled", minutes=exc.retry_after_minutes)
            return _CLEAR_FORM
        if view is None:
            dispatcher.utter_message(response="utter_order_not_verified")
            return _CLEAR_FORM
        lang = conversation_language(tracker)
        response, variables = status_response(view, lang)
        await utter_response(dispatcher, tracker, response, verified_email=email, **variables)
        if others:
            lines = "\n".join(other_order_line(o, lang) for o in others[:MAX_OTHER_ORDERS])
            dispatcher.utter_message(response="utter_other_orders", lines=lines)
        elif asks_for_other_orders(tracker.latest_message.get("text")):
            dispatcher.utter_message(response="utter_only_order")
        return [*_CLEAR_FORM, SlotSet("verified_order", view.number), SlotSet("verified_email", email),
                SlotSet("late_order", view.number if view.is_late else None)]
