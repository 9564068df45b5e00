"""Who may try an order-number/email pair now: failures counted per conversation, source, email, number and shop.

The lock stops the guesser, not the owner. A conversation and a source each have
a budget of failures in the window. An order number or email that has failed
often (someone is guessing at it), or a shop under a wide attack, only closes the
door to conversations and sources that have failed already: the owner, trying
from a clean one, still gets in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from bot.models import VerificationFailure
from bot.models.base import utcnow
from bot.settings import get_settings


@dataclass(frozen=True, slots=True)
class FailureCounts:
    """Failures inside the window, by what they share with this try."""

    conversation: int
    source: int
    order_number: int
    email: int
    shop: int


def _hits(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def recent_failures(
    session: Session, *, sender_id: str, source: str | None, number: str, email_digest: str
) -> FailureCounts:
    """Count the window's failures in one query (the window is short, so the rows are few)."""
    since = utcnow() - timedelta(minutes=get_settings().verify_window_minutes)
    row = session.execute(
        select(
            _hits(VerificationFailure.sender_id == sender_id),
            _hits(VerificationFailure.source == source) if source else literal(0),
            _hits(VerificationFailure.order_number == number),
            _hits(VerificationFailure.email_digest == email_digest),
            func.count(VerificationFailure.id),
        ).where(VerificationFailure.at >= since)
    ).one()
    return FailureCounts(*(int(value or 0) for value in row))


def may_try(counts: FailureCounts) -> bool:
    """May this conversation, from this source, try a pair now?"""
    settings = get_settings()
    if counts.conversation >= settings.verify_max_failures:
        return False
    if counts.source >= settings.verify_max_failures_per_source:
        return False
    under_attack = (
        counts.order_number >= settings.verify_max_failures
        or counts.email >= settings.verify_max_failures
        or counts.shop >= settings.verify_max_failures_global
    )
    return not (under_attack and (counts.conversation or counts.source))


def record_failure(
    session: Session, *, sender_id: str, source: str | None, number: str, email_digest: str
) -> None:
    """Remember a failed try (also for numbers that do not exist, so the throttle tells nothing)."""
    session.add(VerificationFailure(sender_id=sender_id[:128], source=source, order_number=number[:40],
                                    email_digest=email_digest))
    session.flush()
