"""A plain "yes" when no form is asking: the answer to the bot's last yes/no offer.

Offers such as "Would you like to talk to someone about it now?" come with two
buttons, the offer and "/deny". A visitor who types "yes" instead of tapping means
the first one. Without such an offer "yes" gets a short "what can I do for you?";
after a choice of several buttons, a request to pick one.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHandoff

DENY = "/deny"
# What "yes" to an offer's first button runs; the offer's payload names it.
OFFERS = {"/human_handoff": ActionHandoff}


def offered_buttons(tracker: Tracker) -> list[dict[str, Any]]:
    """The buttons of the bot's messages since the visitor's previous message."""
    buttons: list[dict[str, Any]] = []
    seen_latest_user = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_latest_user:
                break
            seen_latest_user = True  # the "yes" itself
        elif kind == "bot" and seen_latest_user:
            buttons = list((event.get("data") or {}).get("buttons") or []) + buttons
    return buttons


def yes_no_offer(buttons: list[dict[str, Any]]) -> str | None:
    """The payload a "yes" accepts: the first of exactly two buttons whose second says no."""
    payloads = [b.get("payload") for b in buttons if isinstance(b, dict)]
    if len(payloads) == 2 and payloads[1] == DENY and isinstance(payloads[0], str):
        return payloads[0]
    return None


class ActionAnswerYes(Action):
    def name(self) -> str:
        return "action_answer_yes"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        buttons = offered_buttons(tracker)
        offer = OFFERS.get(yes_no_offer(buttons) or "")
        if offer is not None:
            return await offer().run(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_yes_pick_option" if buttons else "utter_yes_what_next")
        # No handoff happened: the handoff rules must not read an older "offline" as this turn's.
        return [SlotSet("agents_available", None)]
