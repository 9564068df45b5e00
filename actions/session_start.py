"""Starting a conversation session without unpausing a chat an agent holds.

Rasa starts a new session when the visitor writes after ``session_expiration_time``
of silence, and its ``SessionStarted`` event resets the tracker, pause included:
the bot would answer next to the agent who took the chat. This action does what
Rasa's default does (our sessions carry no slots over) and pauses the new session
again while an agent holds the conversation.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, SessionStarted
from rasa_sdk.executor import CollectingDispatcher

from actions.unit_of_work import ServiceUnavailable, in_transaction
from bot.handoff_sessions import is_held_by_agent

logger = logging.getLogger(__name__)


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        events = [SessionStarted(), ActionExecuted("action_listen")]
        try:
            held = await in_transaction(lambda session: is_held_by_agent(session, sender_id=tracker.sender_id))
        except ServiceUnavailable:
            # The bot answers as usual; the console cannot hand a chat over without the DB either.
            logger.warning("could not check whether %s is held by an agent", tracker.sender_id)
            return events
        if held:
            events.append(ConversationPaused())
        return events
