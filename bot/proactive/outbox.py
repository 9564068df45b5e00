"""The outbox: each notification once, claimed before it is sent, marked sent after.

- ``enqueue`` inserts with ON CONFLICT DO NOTHING on ``dedupe_key``: a scan that runs
  twice, or on two replicas at once, queues a notification once.
- ``claim_due`` takes rows with a conditional UPDATE, committed by the caller before
  sending, so two dispatchers never take the same row. A row whose dispatcher died
  while sending is taken again after ``LEASE``; the widget channel then finds the
  message already in the transcript by its token and does not append it twice (see
  bot/proactive/dispatch.py). An email cannot be asked back: after such a crash it may
  go out twice, never zero times.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from bot.db import conflict_insert
from bot.models import ConsentStatus, OutboxStatus, ProactiveConsent, ProactiveOutbox
from bot.models.base import utcnow

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Delivery:
    """One claimed notification, as the dispatcher sends it."""

    id: int
    token: str
    kind: str
    channel: str
    sender_id: str
    email: str | None
    subject: str
    body: str
    consent_id: int


def enqueue(
    session: Session, *, dedupe_key: str, consent: ProactiveConsent, kind: str, body: str, now: datetime,
    subject: str = "", link: str = "", token: str | None = None,
) -> bool:
    """Queue a notification for ``consent`` unless ``dedupe_key`` was queued before; True if new."""
    stmt = conflict_insert(session.get_bind().dialect.name, ProactiveOutbox.__table__).values(
        dedupe_key=dedupe_key, consent_id=consent.id, kind=kind, channel=consent.channel,
        status=OutboxStatus.PENDING.value, token=token or secrets.token_hex(16), subject=subject[:200],
        body=body, link=link[:500], attempts=0, created_at=now, error="",
    ).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(ProactiveOutbox.id)
    # RETURNING, not rowcount: PostgreSQL's driver reports -1 for an INSERT that returns rows.
    return session.execute(stmt).scalar() is not None


def _allowed(row: ProactiveOutbox, consent: ProactiveConsent) -> bool:
    """Still consented at send time: a confirmation needs a pending consent, anything else an active or done one."""
    if row.kind == "confirm":
        return consent.status == ConsentStatus.PENDING.value
    return consent.status in (ConsentStatus.ACTIVE.value, ConsentStatus.DONE.value) and consent.confirmed_at is not None


def claim_due(session: Session, *, now: datetime | None = None, limit: int = 50) -> list[Delivery]:
    """Claim up to ``limit`` notifications to send; the caller commits before sending them."""
    now = now or utcnow()
    due = or_(ProactiveOutbox.status == OutboxStatus.PENDING.value,
              and_(ProactiveOutbox.status == OutboxStatus.SENDING.value, ProactiveOutbox.claimed_at < now - LEASE))
    rows = session.execute(select(ProactiveOutbox, ProactiveConsent).join(ProactiveConsent)
                           .where(due).order_by(ProactiveOutbox.id).limit(limit)).all()
    claimed = []
    for row, consent in rows:
        if not _allowed(row, consent):
            session.execute(update(ProactiveOutbox).where(ProactiveOutbox.id == row.id)
                            .values(status=OutboxStatus.CANCELLED.value))
            continue
        taken = session.execute(
            update(ProactiveOutbox)
            .where(ProactiveOutbox.id == row.id, ProactiveOutbox.status == row.status,
                   ProactiveOutbox.attempts == row.attempts)
            .values(status=OutboxStatus.SENDING.value, claimed_at=now, attempts=row.attempts + 1)
            .execution_options(synchronize_session=False))
        if taken.rowcount == 1:
            claimed.append(Delivery(row.id, row.token, row.kind, row.channel, consent.sender_id, consent.email,
                                    row.subject, row.body, consent.id))
    session.flush()
    return claimed


def mark_sent(session: Session, *, outbox_id: int, now: datetime | None = None) -> None:
    """The notification went out."""
    session.execute(update(ProactiveOutbox).where(ProactiveOutbox.id == outbox_id)
                    .values(status=OutboxStatus.SENT.value, sent_at=now or utcnow(), error=""))


def mark_failed(session: Session, *, outbox_id: int, error: str) -> None:
    """Sending failed: back to the queue, or failed for good after ``MAX_ATTEMPTS``."""
    row = session.get(ProactiveOutbox, outbox_id)
    if row is None:
        return
    row.status = OutboxStatus.FAILED.value if row.attempts >= MAX_ATTEMPTS else OutboxStatus.PENDING.value
    row.error = error[:200]
    session.flush()


def record_click(session: Session, *, token: str, now: datetime | None = None) -> str | None:
    """Count the first click on a sent notification's link; where it leads (None: no such link)."""
    row = session.scalars(select(ProactiveOutbox).where(ProactiveOutbox.token == token)).first()
    if row is None or not row.link:
        return None
    if row.clicked_at is None:
        row.clicked_at = now or utcnow()
        session.flush()
    return row.link
