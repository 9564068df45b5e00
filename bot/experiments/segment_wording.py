"""Per-segment wording of a response, and the one text a conversation sees. Services flush, the caller commits.

Which text a verified customer sees for a response (``choose_text``), first match wins:
1. a running experiment on the response and language that enrols them (it has no segment,
   or it is limited to the customer's segment): the arm's text;
2. the wording staff set for the customer's segment: its text;
3. nothing: the domain's text.
An experiment wins over the fixed wording so its arms are compared on everyone it enrols;
an experiment limited to one segment leaves every other customer to steps 2 and 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.experiments.errors import InvalidWording, WordingConflict, WordingNotFound
from bot.experiments.responses import (
    LANGUAGES, REQUIRED_PLACEHOLDERS, domain_texts, experimentable_responses, placeholders,
)
from bot.experiments.service import MAX_TEXT_CHARS, Served, serve
from bot.models import Customer, CustomerSegment, SegmentWording
from bot.segments.rfm import SEGMENTS


@dataclass(frozen=True, slots=True)
class WordingInput:
    response: str
    language: str
    segment: str
    text: str


@dataclass(frozen=True, slots=True)
class WordingView:
    id: int
    response: str
    language: str
    segment: str
    text: str
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class SegmentText:
    """The wording a conversation was shown: its text (placeholders not yet filled) and its rule."""

    wording_id: int
    segment: str
    text: str


def _view(row: SegmentWording) -> WordingView:
    return WordingView(id=row.id, response=row.response, language=row.language, segment=row.segment, text=row.text,
                       updated_by=row.updated_by, updated_at=row.updated_at)


def validate_wording(data: WordingInput) -> None:
    """Raise InvalidWording with the first problem of ``data``."""
    if data.response not in experimentable_responses():
        raise InvalidWording(f"{data.response!r} is not a response in domain.yml whose text can vary")
    if data.language not in LANGUAGES:
        raise InvalidWording("the language is en or de")
    if data.segment not in SEGMENTS:
        raise InvalidWording(f"{data.segment!r} is not a customer segment")
    base = domain_texts()[data.response].get(data.language)
    if base is None:
        raise InvalidWording(f"{data.response} has no {data.language} text in domain.yml")
    text = data.text.strip()
    if not text:
        raise InvalidWording("the text is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidWording(f"the text is longer than {MAX_TEXT_CHARS} characters")
    unknown = placeholders(text) - placeholders(base)
    if unknown:
        raise InvalidWording("the text uses placeholders the response does not fill: "
                             + ", ".join("{" + p + "}" for p in sorted(unknown)))
    missing = (REQUIRED_PLACEHOLDERS & placeholders(base)) - placeholders(text)
    if missing:
        raise InvalidWording("the text must keep " + ", ".join("{" + p + "}" for p in sorted(missing)))


def _row(session: Session, wording_id: int) -> SegmentWording:
    row = session.get(SegmentWording, wording_id)
    if row is None:
        raise WordingNotFound(f"no segment wording {wording_id}")
    return row


def save_wording(
    session: Session, *, data: WordingInput, updated_by: str, wording_id: int | None = None,
) -> WordingView:
    """Create a wording, or replace wording ``wording_id``; WordingConflict if its rule has a wording already."""
    validate_wording(data)
    row = SegmentWording() if wording_id is None else _row(session, wording_id)
    try:
        # A savepoint, so a clash leaves the caller's transaction usable; the unique
        # constraint settles two admins saving the same rule at the same moment. The
        # changes are made inside it, so its rollback undoes them.
        with session.begin_nested():
            row.response, row.language, row.segment = data.response, data.language, data.segment
            row.text, row.updated_by = data.text.strip(), updated_by[:120]
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        raise WordingConflict(f"{data.segment} has a wording of {data.response} ({data.language}) already; "
                              "edit that one") from exc
    return _view(row)


def delete_wording(session: Session, *, wording_id: int) -> None:
    """Remove a wording: its segment sees the domain's text again."""
    session.delete(_row(session, wording_id))
    session.flush()


def get_wording(session: Session, *, wording_id: int) -> WordingView:
    """One wording, or WordingNotFound."""
    return _view(_row(session, wording_id))


def list_wordings(session: Session) -> list[WordingView]:
    """Every wording, by response, language and segment."""
    rows = session.scalars(select(SegmentWording).order_by(
        SegmentWording.response, SegmentWording.language, SegmentWording.segment))
    return [_view(r) for r in rows]


def segment_of_email(session: Session, *, email: str | None) -> str | None:
    """Today's segment of the customer with ``email``, or None (unknown, no purchase, not refreshed yet)."""
    if not email:
        return None
    return session.scalar(
        select(CustomerSegment.segment)
        .join(Customer, Customer.id == CustomerSegment.customer_id)
        .where(Customer.email == email.strip().lower(), CustomerSegment.days_ago == 0))


def wording_for(session: Session, *, response: str, language: str, segment: str) -> SegmentText | None:
    """The wording of ``response`` for ``segment`` in ``language``, if staff set one."""
    row = session.scalar(select(SegmentWording).where(
        SegmentWording.response == response, SegmentWording.language == language, SegmentWording.segment == segment))
    return SegmentText(wording_id=row.id, segment=row.segment, text=row.text) if row else None


def choose_text(
    session: Session, *, response: str, language: str, sender_id: str, verified_email: str | None = None,
    now: datetime | None = None,
) -> Served | SegmentText | None:
    """The text ``sender_id`` sees for ``response`` (see the module's order); None is the domain's text."""
    segment = segment_of_email(session, email=verified_email)
    served = serve(session, response=response, language=language, sender_id=sender_id,
                   verified_email=verified_email, segment=segment, now=now)
    if served is not None:
        return served
    if segment is None:
        return None
    return wording_for(session, response=response, language=language, segment=segment)
