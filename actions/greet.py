"""Greeting the visitor, and the request that came with the greeting ("hi, I need a jacket").

NLU reads "hello!! i need new running shoes" as a greeting: the greeting is what it
recognises best. When the message also names a category or brand of the catalog,
the visitor gets the search results after a short hello instead of only the hello.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.catalog import answer_search
from actions.experiments import utter_response
from actions.slots import conversation_language
from actions.unit_of_work import ServiceUnavailable, in_transaction
from bot.catalog import parser_for


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""

        def names_catalog_items(session: Session) -> bool:
            query = parser_for(session).parse(text)
            return bool(query.categories or query.brands)

        try:
            asks = await in_transaction(names_catalog_items)
        except ServiceUnavailable:
            asks = False  # a greeting needs no database
        if not asks:
            await utter_response(dispatcher, tracker, "utter_greet")
            return []
        dispatcher.utter_message(response="utter_greet_short")
        return await answer_search(dispatcher, text, sender_id=tracker.sender_id, previous=tracker.get_slot("last_search"),
                                   lang=conversation_language(tracker))
