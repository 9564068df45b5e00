"""One round of the dispatcher: queue what is due, claim it, send it, mark it.

Every notification is recorded in the transcript of the conversation its consent was
given in: a widget message is the message itself, an email a short note of what was
sent (its subject, not the address). The adapter (the gateway's background task,
api/proactive.py) supplies how such an event reaches the conversation (appended to Rasa's tracker as a bot event, so it is
in the transcript, then a wake-up through the push hub). A widget message carries its
outbox token in the event's metadata; before appending, the transcript is searched for
it, so a row taken again after a dispatcher died mid-send is not shown twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from bot.db import session_scope
from bot.proactive.mailer import SmtpConfig, build_message, send_email
from bot.proactive.outbox import Delivery, claim_due, mark_failed, mark_sent
from bot.proactive.tokens import sign
from bot.proactive.triggers import enqueue_due
from bot.settings import get_settings
from bot.transcripts.store import events, has_events_table

logger = logging.getLogger(__name__)

WidgetSink = Callable[[str, dict[str, Any]], Awaitable[None]]
SENDER = "bot"  # how the transcript shows it: a bot message (metadata says it was proactive)


@dataclass(frozen=True, slots=True)
class DispatchReport:
    queued: int
    sent: int
    failed: int


def widget_event(delivery: Delivery) -> dict[str, Any]:
    """The tracker event of a widget notification."""
    return {"event": "bot", "text": delivery.body,
            "metadata": {"sender": SENDER, "proactive": delivery.kind, "proactive_id": delivery.token}}


def email_note(delivery: Delivery) -> dict[str, Any]:
    """The transcript's record of an email sent for a consent given in the conversation (no address in it)."""
    return {"event": "bot", "text": f"(Email sent: \u201c{delivery.subject}\u201d)",
            "metadata": {"sender": "system", "proactive": delivery.kind, "proactive_id": delivery.token,
                         "channel": "email"}}


def in_transcript(engine: Engine, *, sender_id: str, token: str) -> bool:
    """Whether the notification with ``token`` is already stored in the conversation."""
    with engine.connect() as conn:
        if not has_events_table(conn):
            return False
        row = conn.execute(select(events.c.id).where(
            events.c.sender_id == sender_id, events.c.type_name == "bot",
            events.c.data.like(f"%{token}%")).limit(1)).first()
    return row is not None


def _queue_and_claim() -> tuple[int, list[Delivery]]:
    with session_scope() as session:
        queued = enqueue_due(session)
    with session_scope() as session:  # committed before anything is sent
        return queued, claim_due(session)


def _finish(delivery: Delivery, error: str | None) -> None:
    with session_scope() as session:
        if error is None:
            mark_sent(session, outbox_id=delivery.id)
        else:
            mark_failed(session, outbox_id=delivery.id, error=error)


def _send_email(smtp: SmtpConfig, delivery: Delivery, consent_id: int) -> None:
    unsubscribe = None
    if delivery.kind != "confirm":
        base = get_settings().shop_base_url.rstrip("/")
        unsubscribe = f"{base}/proactive/unsubscribe?t={sign(consent_id, 'unsubscribe')}"
    message = build_message(smtp, to=delivery.email or "", subject=delivery.subject, body=delivery.body,
                            token=delivery.token, unsubscribe_url=unsubscribe)
    send_email(smtp, message)


async def _deliver(delivery: Delivery, *, widget: WidgetSink, smtp: SmtpConfig | None, tracker: Engine) -> None:
    if delivery.channel == "widget":
        if not await asyncio.to_thread(in_transcript, tracker, sender_id=delivery.sender_id, token=delivery.token):
            await widget(delivery.sender_id, widget_event(delivery))
        return
    if smtp is None or not delivery.email:
        raise RuntimeError("no SMTP server is configured")
    # Looked up first: after a crash between the two steps, the mail may go again but the note not twice.
    noted = await asyncio.to_thread(in_transcript, tracker, sender_id=delivery.sender_id, token=delivery.token)
    await asyncio.to_thread(_send_email, smtp, delivery, delivery.consent_id)
    if not noted:
        # Every proactive message is in the conversation's transcript, emails as a note of what was sent.
        await widget(delivery.sender_id, email_note(delivery))


async def dispatch_once(*, widget: WidgetSink, smtp: SmtpConfig | None, tracker: Engine) -> DispatchReport:
    """Queue due notifications and send the claimed ones; failures go back to the queue."""
    queued, claimed = await asyncio.to_thread(_queue_and_claim)
    sent = failed = 0
    for delivery in claimed:
        try:
            await _deliver(delivery, widget=widget, smtp=smtp, tracker=tracker)
        except Exception as exc:  # noqa: BLE001 - any failure of one notification must not stop the others
            logger.warning("proactive notification %s not sent: %s", delivery.id, type(exc).__name__)
            await asyncio.to_thread(_finish, delivery, type(exc).__name__)
            failed += 1
            continue
        await asyncio.to_thread(_finish, delivery, None)
        sent += 1
    return DispatchReport(queued=queued, sent=sent, failed=failed)
