"""Session starts and restarts that keep a chat an agent holds paused.

Rasa starts a new session when the visitor writes after ``session_expiration_time``
of silence, and restarts the conversation when a visitor sends ``/restart`` (Rasa
handles that intent even while paused). Both events reset the tracker, pause
included, so the bot would answer next to the agent who took the chat. These two
actions do what Rasa's defaults do (our sessions carry no slots over, and there is
no ``utter_restart``) and pause the conversation again while an agent holds it.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, Restarted, SessionStarted
from rasa_sdk.executor import CollectingDispatcher

from actions.unit_of_work import ServiceUnavailable, in_transaction
from bot.handoff_sessions import is_held_by_agent

logger = logging.getLogger(__name__)


async def _pause_if_held(tracker: Tracker) -> list[dict[str, Any]]:
    try:
        held = await in_transaction(lambda session: is_held_by_agent(session, sender_id=tracker.sender_id))
    except ServiceUnavailable:
        # The bot answers as usual; the console cannot hand a chat over without the DB either.
        logger.warning("could not check whether %s is held by an agent", tracker.sender_id)
        return []
    return [ConversationPaused()] if held else []


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return [SessionStarted(), ActionExecuted("action_listen"), *await _pause_if_held(tracker)]


class ActionRestart(Action):
    def name(self) -> str:
        return "action_restart"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        pause = await _pause_if_held(tracker)
        # Unpaused, Rasa predicts the action_listen that follows; paused, it predicts nothing.
        return [Restarted(), ActionExecuted("action_listen"), *pause] if pause else [Restarted()]
