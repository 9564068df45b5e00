"""Relabelling visitor messages: the intent and entities NLU should have predicted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.assistant_domain import AssistantDomain
from bot.models import NluCorrection
from bot.review.errors import InvalidReviewInput
from bot.staff.clock import aware, current
from bot.transcripts.annotation import InvalidMarkup, Span, clean_spans, spans_for_original


@dataclass(frozen=True, slots=True)
class CorrectionView:
    id: int
    sender_id: str
    event_id: int
    text: str
    original_intent: str | None
    intent: str
    entities: tuple[Span, ...]
    author: str
    created_at: datetime


def _view(row: NluCorrection) -> CorrectionView:
    spans = [Span(int(e["start"]), int(e["end"]), str(e["entity"]))
             for e in row.corrected_entities or [] if isinstance(e, dict) and {"start", "end", "entity"} <= e.keys()]
    return CorrectionView(
        id=row.id, sender_id=row.sender_id, event_id=row.event_id, text=row.text,
        original_intent=row.original_intent, intent=row.corrected_intent,
        entities=tuple(clean_spans(row.text, spans)), author=row.author, created_at=aware(row.created_at),
    )


def relabel_message(
    session: Session, *, sender_id: str, event_id: int, text: str, original_intent: str | None, intent: str,
    markup: str, masked: bool, author: str, domain: AssistantDomain, now: datetime | None = None,
) -> CorrectionView:
    """Store (or replace) the correct intent and entities of one visitor message.

    ``markup`` is the message with ``[words](entity)`` marks, written over the
    message as the author saw it (``masked`` when personal data was hidden).
    """
    if text.startswith("/"):
        raise InvalidReviewInput("this message came from a button, not from NLU; there is nothing to relabel")
    if intent not in domain.trainable_intents:
        raise InvalidReviewInput("choose one of the domain's intents")
    try:
        spans = spans_for_original(markup, original=text, masked=masked, entities=domain.entities)
    except InvalidMarkup as exc:
        raise InvalidReviewInput(str(exc)) from exc
    entities: list[dict[str, Any]] = [s.as_dict(text) for s in spans]
    row = session.scalar(select(NluCorrection).where(NluCorrection.sender_id == sender_id,
                                                     NluCorrection.event_id == event_id))
    if row is None:
        row = NluCorrection(sender_id=sender_id, event_id=event_id)
        session.add(row)
    row.text, row.original_intent, row.corrected_intent = text, original_intent, intent
    row.corrected_entities, row.author, row.created_at = entities, author, current(now)
    session.flush()
    return _view(row)


def corrections_of(session: Session, *, sender_id: str) -> dict[int, CorrectionView]:
    """The conversation's corrections by event id."""
    rows = session.scalars(select(NluCorrection).where(NluCorrection.sender_id == sender_id))
    return {row.event_id: _view(row) for row in rows}


def all_corrections(session: Session, *, since: datetime | None = None,
                    sender_ids: Iterable[str] | None = None) -> list[CorrectionView]:
    """Corrections oldest first, optionally only recent ones or only of some conversations."""
    stmt = select(NluCorrection).order_by(NluCorrection.created_at, NluCorrection.id)
    if since is not None:
        stmt = stmt.where(NluCorrection.created_at >= since)
    if sender_ids is not None:
        stmt = stmt.where(NluCorrection.sender_id.in_(sorted(set(sender_ids))))
    return [_view(row) for row in session.scalars(stmt)]
