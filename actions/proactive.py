"""Proactive messages in chat: "tell me when it's back / when my order ships", and "stop notifications".

Thin: reads what the conversation proved or looked at (the ``stock_watch`` slot set by
the stock answer, the ``verified_order``/``verified_email`` slots of the order forms),
and lets bot/proactive record or withdraw the consent.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.slots import conversation_language, first_text
from actions.unit_of_work import ServiceUnavailable, in_transaction
from bot.models import Channel
from bot.orders import normalise_email
from bot.proactive import (
    ConsentView,
    EmailRequired,
    NothingToWatch,
    OrderNotVerified,
    TooManyConfirmations,
    watch_back_in_stock,
    watch_order,
    withdraw_conversation,
)
from bot.settings import get_settings


def sends_notices() -> bool:
    """Does this shop send proactive messages (``SHOP_PROACTIVE_ENABLED``)? Without it nothing would be sent,
    so nothing is offered or promised."""
    return get_settings().proactive_enabled


def stock_watch_value(product_id: int, colors: tuple[str, ...], sizes: tuple[str, ...]) -> dict[str, Any]:
    """The ``stock_watch`` slot for a product found sold out in ``colors``/``sizes``."""
    return {"product_id": product_id, "colors": list(colors), "sizes": list(sizes)}


def _entity(tracker: Tracker, name: str) -> str | None:
    values = [e.get("value") for e in tracker.latest_message.get("entities") or [] if e.get("entity") == name]
    return first_text(values) or None


def _wants_email(tracker: Tracker, typed_email: str | None) -> bool:
    channel = _entity(tracker, "notify_channel")
    if channel in ("email", "widget"):
        return channel == "email"
    text = (tracker.latest_message.get("text") or "").lower()
    return typed_email is not None or "mail" in text


class ActionNotifyMe(Action):
    def name(self) -> str:
        return "action_notify_me"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if not sends_notices():
            dispatcher.utter_message(response="utter_notify_unavailable")
            return [SlotSet("stock_watch", None)]
        watch = tracker.get_slot("stock_watch")
        if isinstance(watch, dict) and isinstance(watch.get("product_id"), int):
            return await self._stock(dispatcher, tracker, watch)
        if tracker.get_slot("verified_order"):
            return await self._order(dispatcher, tracker)
        dispatcher.utter_message(response="utter_notify_what")
        return []

    async def _stock(self, dispatcher: CollectingDispatcher, tracker: Tracker, watch: dict[str, Any]) -> list:
        typed = normalise_email(_entity(tracker, "email") or tracker.latest_message.get("text"))
        email = _wants_email(tracker, typed)
        address = typed or normalise_email(tracker.get_slot("verified_email"))
        if email and not get_settings().smtp_host:
            dispatcher.utter_message(response="utter_notify_email_unavailable")
            return []
        if email and address is None:
            dispatcher.utter_message(response="utter_notify_ask_email")
            return []

        def work(session: Session) -> ConsentView:
            return watch_back_in_stock(
                session, sender_id=tracker.sender_id, product_id=watch["product_id"],
                colors=tuple(str(c) for c in watch.get("colors") or ()),
                sizes=tuple(str(s) for s in watch.get("sizes") or ()),
                channel=Channel.EMAIL if email else Channel.WIDGET, email=address,
                verified_email=tracker.get_slot("verified_email"), language=conversation_language(tracker))

        try:
            consent = await in_transaction(work)
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_lookup_unavailable")
            return []
        except NothingToWatch:
            dispatcher.utter_message(response="utter_notify_in_stock")
            return [SlotSet("stock_watch", None)]
        except EmailRequired:
            dispatcher.utter_message(response="utter_notify_ask_email")
            return []
        except TooManyConfirmations:
            dispatcher.utter_message(response="utter_notify_too_many")
            return []
        if consent.status == "pending":
            dispatcher.utter_message(response="utter_notify_confirm_email", email=consent.email)
        else:
            response = "utter_notify_stock_email" if email else "utter_notify_stock_widget"
            dispatcher.utter_message(response=response, wording=consent.wording)
        # The typed address is not an order's email: keep it out of the order forms.
        return [SlotSet("email", None)] if typed else []

    async def _order(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list:
        def work(session: Session) -> ConsentView:
            return watch_order(session, sender_id=tracker.sender_id, order_number=tracker.get_slot("verified_order"),
                               language=conversation_language(tracker))

        try:
            consent = await in_transaction(work)
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_lookup_unavailable")
            return []
        except OrderNotVerified:
            dispatcher.utter_message(response="utter_notify_what")
            return []
        dispatcher.utter_message(response="utter_notify_order", wording=consent.wording)
        return []


class ActionStopNotifications(Action):
    def name(self) -> str:
        return "action_stop_notifications"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        try:
            count = await in_transaction(lambda session: withdraw_conversation(session, sender_id=tracker.sender_id))
        except ServiceUnavailable:
            dispatcher.utter_message(response="utter_lookup_unavailable")
            return []
        if count:
            dispatcher.utter_message(response="utter_notifications_stopped", count=count)
        else:
            dispatcher.utter_message(response="utter_no_notifications")
        return [SlotSet("stock_watch", None)]
