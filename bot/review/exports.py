"""Downloads for developers: relabelled messages as NLU data, a conversation as a test story."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.assistant_domain import AssistantDomain
from bot.conversation_refs import conversation_ref
from bot.review.corrections import all_corrections, corrections_of
from bot.review.errors import ConversationNotFound
from bot.staff.clock import current
from bot.transcripts.export import NluExample, nlu_yaml, story_yaml
from bot.transcripts.transcript import read_transcript


def corrections_yaml(session: Session, *, stand_ins: bool, sender_id: str | None = None,
                     since: datetime | None = None, now: datetime | None = None) -> str:
    """Relabelled messages (all, one conversation's, or those since a time) as Rasa NLU YAML."""
    corrections = all_corrections(session, since=since, sender_ids=[sender_id] if sender_id else None)
    examples = [NluExample(text=c.text, intent=c.intent, entities=c.entities) for c in corrections]
    return nlu_yaml(examples, stand_ins=stand_ins, generated_at=current(now))


def conversation_story_yaml(session: Session, conn: Connection, *, sender_id: str, stand_ins: bool,
                            domain: AssistantDomain) -> str:
    """The conversation as a Rasa test story, relabelled messages noted."""
    transcript = read_transcript(conn, sender_id=sender_id)
    if not transcript.items:
        raise ConversationNotFound(sender_id)
    relabelled = {event_id: c.intent for event_id, c in corrections_of(session, sender_id=sender_id).items()}
    started = transcript.started_at
    # Named by the console's ref: the sender id (even its start) is the visitor's secret.
    name = f"conversation {conversation_ref(sender_id)}" + (f" of {started:%Y-%m-%d %H:%M} UTC" if started else "")
    return story_yaml(transcript, featurized_slots=domain.featurized_slots, relabelled=relabelled, stand_ins=stand_ins,
                      name=name)
