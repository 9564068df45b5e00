"""Figures of the proactive messages for the console: consents, and notifications sent and clicked."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.models import ConsentStatus, OutboxStatus, ProactiveConsent, ProactiveOutbox


@dataclass(frozen=True, slots=True)
class KindFigures:
    kind: str
    channel: str
    consents_active: int
    consents_pending: int
    consents_withdrawn: int
    sent: int
    clicked: int
    failed: int


def proactive_figures(session: Session) -> list[KindFigures]:
    """Per kind and channel: consents by state, notifications sent, clicked and failed (confirmations apart)."""
    consents = {
        (kind, channel): (active or 0, pending or 0, withdrawn or 0)
        for kind, channel, active, pending, withdrawn in session.execute(
            select(ProactiveConsent.kind, ProactiveConsent.channel,
                   func.sum(case((ProactiveConsent.status.in_([ConsentStatus.ACTIVE.value, ConsentStatus.DONE.value]), 1),
                                 else_=0)),
                   func.sum(case((ProactiveConsent.status == ConsentStatus.PENDING.value, 1), else_=0)),
                   func.sum(case((ProactiveConsent.status == ConsentStatus.WITHDRAWN.value, 1), else_=0)))
            .group_by(ProactiveConsent.kind, ProactiveConsent.channel))
    }
    sends = {
        (kind, channel): (sent or 0, clicked or 0, failed or 0)
        for kind, channel, sent, clicked, failed in session.execute(
            select(ProactiveOutbox.kind, ProactiveOutbox.channel,
                   func.sum(case((ProactiveOutbox.status == OutboxStatus.SENT.value, 1), else_=0)),
                   func.sum(case((ProactiveOutbox.clicked_at.is_not(None), 1), else_=0)),
                   func.sum(case((ProactiveOutbox.status == OutboxStatus.FAILED.value, 1), else_=0)))
            .group_by(ProactiveOutbox.kind, ProactiveOutbox.channel))
    }
    keys = sorted(set(consents) | {k for k in sends if k[0] != "confirm"})
    return [KindFigures(kind, channel, *consents.get((kind, channel), (0, 0, 0)), *sends.get((kind, channel), (0, 0, 0)))
            for kind, channel in keys]
