"""Handoff figures from the shop DB: why conversations went to a person."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.analytics.period import Period
from bot.models import HandoffReason, HandoffRequest


@dataclass(frozen=True, slots=True)
class ReasonCount:
    reason: str
    requests: int


def _in_period(period: Period):
    return (HandoffRequest.created_at >= period.start, HandoffRequest.created_at < period.end)


def handoff_reasons(session: Session, *, period: Period) -> list[ReasonCount]:
    """Handoff requests made in the period per reason (every reason listed, zeros included)."""
    counts = dict(session.execute(
        select(HandoffRequest.reason, func.count(HandoffRequest.id)).where(*_in_period(period))
        .group_by(HandoffRequest.reason)
    ).all())
    rows = [ReasonCount(reason=r.value, requests=counts.get(r, 0)) for r in HandoffReason]
    return sorted(rows, key=lambda r: -r.requests)


def handed_over_senders(session: Session, *, period: Period) -> set[str]:
    """Sender ids of the conversations with a handoff request made in the period (any outcome)."""
    return set(session.scalars(select(HandoffRequest.sender_id).where(*_in_period(period)).distinct()))
