"""One conversation under review: its timeline with labels, the review panel, and relabelling a message."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.assistant_domain import AssistantDomain
from bot.conversation_refs import remember_ref
from bot.review.corrections import CorrectionView, corrections_of, relabel_message
from bot.review.errors import ConversationNotFound, MessageNotFound
from bot.review.linked import HandoffSummary, handoffs_of, rating_comment
from bot.review.reviews import ReviewState, review_state
from bot.transcripts.annotation import Span, masked_markup, to_markup
from bot.transcripts.masking import mask_text
from bot.transcripts.transcript import TimelineItem, Transcript, find_visitor_message, mask_transcript, read_transcript


@dataclass(frozen=True, slots=True)
class MessageLabel:
    """A visitor message's labels as the relabel form shows them."""

    event_id: int
    markup: str  # the message with [words](entity) marks: the correction's, else the prediction's
    intent: str | None  # the corrected intent, else the predicted one (sub-intent for retrieval intents)
    corrected: CorrectionView | None
    relabelable: bool  # False for button payloads


@dataclass(frozen=True, slots=True)
class ConversationDetail:
    ref: str  # the console's name for the conversation; the transcript's sender_id is never shown
    transcript: Transcript
    labels: dict[int, MessageLabel]
    review: ReviewState
    handoffs: tuple[HandoffSummary, ...]
    rating: int | None
    rating_comment: str | None
    masked: bool


def predicted_intent(item: TimelineItem) -> str | None:
    """The intent NLU gave a visitor message, as a training-data label (``shipping_info/cost``)."""
    return item.retrieval_intent or item.intent


def _label(item: TimelineItem, correction: CorrectionView | None, masked: bool) -> MessageLabel:
    raw = item.raw_text or ""
    if correction is not None:
        text, spans, intent = correction.text, list(correction.entities), correction.intent
    else:
        spans = [Span(e.start, e.end, e.entity) for e in item.entities if e.start is not None and e.end is not None]
        text, intent = raw, predicted_intent(item)
    markup = masked_markup(text, spans) if masked else to_markup(text, spans)
    return MessageLabel(event_id=item.event_id, markup=markup, intent=intent, corrected=correction,
                        relabelable=not raw.startswith("/"))


def _masked_handoff(handoff: HandoffSummary) -> HandoffSummary:
    return replace(handoff, contact_email="«email»" if handoff.contact_email else None,
                   message=mask_text(handoff.message))


def conversation_detail(session: Session, conn: Connection, *, sender_id: str, masked: bool) -> ConversationDetail:
    """The transcript (masked for agents) with each visitor message's labels and the review panel."""
    transcript = read_transcript(conn, sender_id=sender_id)
    if not transcript.items:
        raise ConversationNotFound(sender_id)
    corrections = corrections_of(session, sender_id=sender_id)
    labels = {i.event_id: _label(i, corrections.get(i.event_id), masked)
              for i in transcript.items if i.kind == "visitor"}
    handoffs = tuple(handoffs_of(session, sender_id=sender_id))
    rating = rating_comment(session, sender_id=sender_id)
    comment = rating[1] if rating else None
    if masked:
        transcript = mask_transcript(transcript)
        handoffs = tuple(_masked_handoff(h) for h in handoffs)
        comment = mask_text(comment)
    return ConversationDetail(
        ref=remember_ref(session, sender_id=sender_id), transcript=transcript, labels=labels, review=review_state(session, sender_id=sender_id),
        handoffs=handoffs, rating=rating[0] if rating else None, rating_comment=comment, masked=masked,
    )


def relabel(
    session: Session, conn: Connection, *, sender_id: str, event_id: int, intent: str, markup: str, masked: bool,
    author: str, domain: AssistantDomain,
) -> CorrectionView:
    """Relabel the visitor message stored as tracker event ``event_id`` of the conversation."""
    item = find_visitor_message(conn, sender_id=sender_id, event_id=event_id)
    if item is None:
        raise MessageNotFound(event_id)
    return relabel_message(
        session, sender_id=sender_id, event_id=event_id, text=item.raw_text or "",
        original_intent=predicted_intent(item), intent=intent, markup=markup, masked=masked, author=author,
        domain=domain,
    )
