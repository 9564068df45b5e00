"""The review panel of a conversation: reviewed flag, tags and private notes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.models import ConversationNote, ConversationReview, ConversationTag
from bot.review.errors import InvalidReviewInput
from bot.staff.clock import aware, current

TAG_MAX_CHARS = 40
NOTE_MAX_CHARS = 4000
_TAG = re.compile(r"^[a-z0-9][a-z0-9 _\-]*$")


@dataclass(frozen=True, slots=True)
class NoteView:
    id: int
    author: str
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewState:
    sender_id: str
    reviewed: bool
    reviewed_by: str | None
    reviewed_at: datetime | None
    tags: tuple[str, ...]
    notes: tuple[NoteView, ...]  # oldest first


def normalise_tag(raw: str) -> str:
    """A tag as stored: lower case, single spaces; refused when empty, too long or odd."""
    tag = " ".join(raw.strip().lower().split())
    if not tag:
        raise InvalidReviewInput("a tag needs at least one letter or digit")
    if len(tag) > TAG_MAX_CHARS:
        raise InvalidReviewInput(f"a tag has at most {TAG_MAX_CHARS} characters")
    if not _TAG.match(tag):
        raise InvalidReviewInput("a tag may use letters, digits, spaces, '-' and '_'")
    return tag


def set_reviewed(session: Session, *, sender_id: str, reviewed: bool, by: str, now: datetime | None = None) -> None:
    """Mark the conversation reviewed (by whom, when) or unreviewed again."""
    review = session.scalar(select(ConversationReview).where(ConversationReview.sender_id == sender_id))
    if review is None:
        review = ConversationReview(sender_id=sender_id)
        session.add(review)
    review.reviewed = reviewed
    review.reviewed_by = by if reviewed else None
    review.reviewed_at = current(now) if reviewed else None
    session.flush()


def add_tag(session: Session, *, sender_id: str, tag: str, by: str) -> str:
    """Tag the conversation (a tag it already has is kept once); returns the stored tag."""
    clean = normalise_tag(tag)
    exists = session.scalar(
        select(ConversationTag.id).where(ConversationTag.sender_id == sender_id, ConversationTag.tag == clean)
    )
    if exists is None:
        session.add(ConversationTag(sender_id=sender_id, tag=clean, created_by=by))
        session.flush()
    return clean


def remove_tag(session: Session, *, sender_id: str, tag: str) -> None:
    """Take a tag off the conversation (nothing happens if it does not have it)."""
    session.execute(delete(ConversationTag).where(ConversationTag.sender_id == sender_id,
                                                  ConversationTag.tag == tag.strip().lower()))


def add_note(session: Session, *, sender_id: str, text: str, author: str) -> NoteView:
    """Add a private note to the conversation."""
    clean = text.strip()
    if not clean:
        raise InvalidReviewInput("the note is empty")
    if len(clean) > NOTE_MAX_CHARS:
        raise InvalidReviewInput(f"a note has at most {NOTE_MAX_CHARS} characters")
    note = ConversationNote(sender_id=sender_id, author=author, text=clean)
    session.add(note)
    session.flush()
    return NoteView(id=note.id, author=note.author, text=note.text, created_at=aware(note.created_at))


def review_state(session: Session, *, sender_id: str) -> ReviewState:
    """Everything of the review panel for one conversation."""
    review = session.scalar(select(ConversationReview).where(ConversationReview.sender_id == sender_id))
    tags = session.scalars(select(ConversationTag.tag).where(ConversationTag.sender_id == sender_id)
                           .order_by(ConversationTag.tag))
    notes = session.scalars(select(ConversationNote).where(ConversationNote.sender_id == sender_id)
                            .order_by(ConversationNote.created_at, ConversationNote.id))
    return ReviewState(
        sender_id=sender_id, reviewed=bool(review and review.reviewed),
        reviewed_by=review.reviewed_by if review else None,
        reviewed_at=aware(review.reviewed_at) if review else None,
        tags=tuple(tags),
        notes=tuple(NoteView(id=n.id, author=n.author, text=n.text, created_at=aware(n.created_at)) for n in notes),
    )


def all_tags(session: Session) -> tuple[str, ...]:
    """Every tag in use, alphabetically (for the list's filter)."""
    return tuple(session.scalars(select(ConversationTag.tag).distinct().order_by(ConversationTag.tag)))


def reviewed_ids(session: Session) -> frozenset[str]:
    """Sender ids of the conversations marked reviewed."""
    return frozenset(session.scalars(select(ConversationReview.sender_id).where(ConversationReview.reviewed)))


def tagged_ids(session: Session, *, tag: str) -> frozenset[str]:
    """Sender ids of the conversations with ``tag``."""
    stmt = select(ConversationTag.sender_id).where(ConversationTag.tag == tag.strip().lower())
    return frozenset(session.scalars(stmt))


@dataclass(frozen=True, slots=True)
class ReviewBadge:
    """What the list shows of a conversation's review."""

    reviewed: bool
    tags: tuple[str, ...]


def review_badges(session: Session, *, sender_ids: Iterable[str]) -> dict[str, ReviewBadge]:
    """Reviewed flag and tags of each of ``sender_ids`` (a page of the list)."""
    ids = sorted(set(sender_ids))
    if not ids:
        return {}
    reviewed = set(session.scalars(select(ConversationReview.sender_id)
                                   .where(ConversationReview.sender_id.in_(ids), ConversationReview.reviewed)))
    tags: dict[str, list[str]] = {}
    for sender_id, tag in session.execute(select(ConversationTag.sender_id, ConversationTag.tag)
                                          .where(ConversationTag.sender_id.in_(ids)).order_by(ConversationTag.tag)):
        tags.setdefault(sender_id, []).append(tag)
    return {i: ReviewBadge(reviewed=i in reviewed, tags=tuple(tags.get(i, ()))) for i in ids}
