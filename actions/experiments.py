"""Uttering a response that an A/B experiment or a segment's wording may vary (bot/experiments).

The domain's response is still named, so Rasa keeps its buttons and language; when
the conversation is in an experiment, the arm's text replaces the domain's text, and
when a verified customer's segment has a wording, that text does; so the transcript
holds exactly what the visitor saw, with the experiment and arm (``ab_experiment``,
``ab_arm``) or the segment rule (``segment_wording``, ``segment``) in the bot message's metadata.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.slots import conversation_language
from actions.unit_of_work import ServiceUnavailable, in_transaction
from bot.experiments import SegmentText, Served, choose_text, fill


async def utter_response(
    dispatcher: CollectingDispatcher, tracker: Tracker, response: str, *, verified_email: str | None = None,
    **variables: Any,
) -> None:
    """``dispatcher.utter_message(response=response, **variables)``, in the arm's or the segment's words.

    ``verified_email``: the customer this action has just verified, when the slot does not hold it yet.
    """
    lang = conversation_language(tracker)
    try:
        served: Served | SegmentText | None = await in_transaction(lambda session: choose_text(
            session, response=response, language=lang, sender_id=tracker.sender_id,
            verified_email=verified_email or tracker.get_slot("verified_email")))
    except ServiceUnavailable:
        served = None  # the domain's own text; nothing recorded, so the visitor is in no arm
    if served is None:
        dispatcher.utter_message(response=response, **variables)
        return
    text_values = {k: v for k, v in variables.items() if k not in ("json_message", "buttons")}
    if isinstance(served, SegmentText):
        source: dict[str, Any] = {"segment_wording": served.wording_id, "segment": served.segment}
    else:
        source = {"ab_experiment": served.experiment_id, "ab_arm": served.arm}
        if served.segment is not None:
            source["segment"] = served.segment
    dispatcher.utter_message(response=response, text=fill(served.text, text_values), **source, **variables)
