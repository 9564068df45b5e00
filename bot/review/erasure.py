"""Everything stored for one conversation id: exporting it (JSON) and erasing it, with an audit record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.conversation_refs import conversation_ref, forget_ref
from bot.models import ConversationDeletion, ConversationNote, ConversationReview, ConversationTag, NluCorrection
from bot.review.linked import count_linked, erase_linked, linked_records
from bot.staff.clock import aware, current
from bot.summaries.apply import forget
from bot.summaries.tables import ensure_tables
from bot.transcripts.store import events, events_after, has_events_table

REVIEW_MODELS = (ConversationReview, ConversationTag, ConversationNote, NluCorrection)
MAX_EXPORT_EVENTS = 100_000


@dataclass(frozen=True, slots=True)
class ErasurePreview:
    """What erasing would remove (shown on the confirmation page)."""

    ref: str
    events: int
    review_rows: int
    other_rows: int


@dataclass(frozen=True, slots=True)
class DeletionView:
    ref: str  # the console's name of the erased conversation (the audit row keeps the sender id)
    deleted_by: str
    deleted_at: datetime
    events_deleted: int
    shop_rows_deleted: int


def _iso(moment: datetime | None) -> str | None:
    return aware(moment).isoformat() if moment else None


def _review_record(session: Session, sender_id: str) -> dict[str, Any]:
    review = session.scalar(select(ConversationReview).where(ConversationReview.sender_id == sender_id))
    return {
        "review": {"reviewed": review.reviewed, "reviewed_by": review.reviewed_by,
                   "reviewed_at": _iso(review.reviewed_at)} if review else None,
        "tags": [{"tag": t.tag, "created_by": t.created_by, "created_at": _iso(t.created_at)}
                 for t in session.scalars(select(ConversationTag).where(ConversationTag.sender_id == sender_id)
                                          .order_by(ConversationTag.tag))],
        "notes": [{"author": n.author, "text": n.text, "created_at": _iso(n.created_at)}
                  for n in session.scalars(select(ConversationNote).where(ConversationNote.sender_id == sender_id)
                                           .order_by(ConversationNote.created_at, ConversationNote.id))],
        "nlu_corrections": [
            {"event_id": c.event_id, "text": c.text, "original_intent": c.original_intent,
             "corrected_intent": c.corrected_intent, "corrected_entities": c.corrected_entities,
             "author": c.author, "created_at": _iso(c.created_at)}
            for c in session.scalars(select(NluCorrection).where(NluCorrection.sender_id == sender_id)
                                     .order_by(NluCorrection.event_id))
        ],
    }


def conversation_record(session: Session, conn: Connection, *, sender_id: str,
                        now: datetime | None = None) -> dict[str, Any]:
    """All data kept for ``sender_id``: tracker events as stored, review data, linked shop records.

    The conversation is named by its console ref: the sender id is the visitor's bearer secret.
    """
    stored = events_after(conn, sender_id=sender_id, limit=MAX_EXPORT_EVENTS)
    ref = conversation_ref(sender_id)
    return _without(sender_id, ref, {
        "conversation": ref,
        "exported_at": current(now).isoformat(),
        "tracker_events": [
            {"id": e.seq, "type": e.type_name, "timestamp": e.timestamp, "data": e.data} for e in stored
        ],
        **_review_record(session, sender_id),
        **linked_records(session, sender_id=sender_id),
    })


def _without(sender_id: str, ref: str, value: Any) -> Any:
    """``value`` with the sender id replaced by the ref wherever a string holds it (event metadata...)."""
    if isinstance(value, str):
        return value.replace(sender_id, ref) if sender_id and sender_id in value else value
    if isinstance(value, list):
        return [_without(sender_id, ref, v) for v in value]
    if isinstance(value, dict):
        return {_without(sender_id, ref, k): _without(sender_id, ref, v) for k, v in value.items()}
    return value


def _count_events(conn: Connection, sender_id: str) -> int:
    if not has_events_table(conn):
        return 0
    return conn.execute(select(func.count()).select_from(events).where(events.c.sender_id == sender_id)).scalar() or 0


def erasure_preview(session: Session, conn: Connection, *, sender_id: str) -> ErasurePreview:
    """How many rows erasing the conversation would delete, per store."""
    review_rows = sum(session.scalar(select(func.count()).select_from(m).where(m.sender_id == sender_id)) or 0
                      for m in REVIEW_MODELS)
    return ErasurePreview(ref=conversation_ref(sender_id), events=_count_events(conn, sender_id), review_rows=review_rows,
                          other_rows=count_linked(session, sender_id=sender_id))


def erase_conversation(session: Session, conn: Connection, *, sender_id: str, by_email: str,
                       now: datetime | None = None) -> DeletionView:
    """Delete the conversation's tracker events and every shop-DB row about it; record who did it.

    Neither ``session`` nor ``conn`` is committed here: the caller commits the
    tracker connection and then the session (they are different databases).
    """
    removed_events = 0
    if has_events_table(conn):
        removed_events = conn.execute(delete(events).where(events.c.sender_id == sender_id)).rowcount or 0
    # The console's summaries go too; the broker's copies of events not yet applied are dropped when they arrive.
    ensure_tables(conn)
    forget(conn, sender_id=sender_id, erased_at=current(now).timestamp())
    removed_rows = sum(session.execute(delete(m).where(m.sender_id == sender_id)).rowcount or 0 for m in REVIEW_MODELS)
    removed_rows += erase_linked(session, sender_id=sender_id)
    forget_ref(session, sender_id=sender_id)
    audit = ConversationDeletion(sender_id=sender_id, deleted_by=by_email, deleted_at=current(now),
                                 events_deleted=removed_events, shop_rows_deleted=removed_rows)
    session.add(audit)
    session.flush()
    return DeletionView(ref=conversation_ref(sender_id), deleted_by=by_email, deleted_at=aware(audit.deleted_at),
                        events_deleted=removed_events, shop_rows_deleted=removed_rows)


def recent_deletions(session: Session, *, limit: int = 20) -> list[DeletionView]:
    """The latest erasures, newest first."""
    rows = session.scalars(select(ConversationDeletion).order_by(ConversationDeletion.deleted_at.desc(),
                                                                 ConversationDeletion.id.desc()).limit(limit))
    return [DeletionView(ref=conversation_ref(r.sender_id), deleted_by=r.deleted_by, deleted_at=aware(r.deleted_at),
                         events_deleted=r.events_deleted, shop_rows_deleted=r.shop_rows_deleted) for r in rows]
