"""Consents to proactive messages: given in a chat, withdrawn in the chat or by a signed link.

Rules (issue 20, part 2):
- A widget message goes only to the conversation the consent was given in.
- An email address counts as proven when it is the email of an order verified in the
  same conversation; any other address gets one confirmation mail (double opt-in), and
  nothing else is sent to it until its link is followed. Confirmation mails are limited
  per address and per conversation, so the chat cannot be used to mail-bomb someone.
- Each consent keeps the words the visitor agreed to, the time and the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.catalog.products import availability, product_details
from bot.language import color_name, language_of, say
from bot.models import (
    Channel,
    ConsentKind,
    ConsentStatus,
    Order,
    OutboxStatus,
    ProactiveConsent,
    ProactiveOutbox,
)
from bot.models.base import utcnow
from bot.orders.parsing import normalise_email
from bot.proactive.errors import EmailRequired, NothingToWatch, OrderNotVerified, TooManyConfirmations
from bot.proactive.outbox import enqueue
from bot.proactive.texts import text
from bot.proactive.tokens import sign
from bot.settings import get_settings

MAX_CONFIRMATIONS_PER_EMAIL = 3  # a day
MAX_CONFIRMATIONS_PER_CONVERSATION = 3  # a day
OPEN = (ConsentStatus.PENDING.value, ConsentStatus.ACTIVE.value)
# A done consent may still have its notification in the outbox: withdrawing it stops that too.
WITHDRAWABLE = (*OPEN, ConsentStatus.DONE.value)


@dataclass(frozen=True, slots=True)
class ConsentView:
    id: int
    kind: str
    channel: str
    status: str
    wording: str
    email: str | None


def _view(consent: ProactiveConsent) -> ConsentView:
    return ConsentView(consent.id, consent.kind, consent.channel, consent.status, consent.wording, consent.email)


def _split(values: str) -> tuple[str, ...]:
    return tuple(v for v in values.split(",") if v)


def item_label(session: Session, consent: ProactiveConsent) -> str:
    """"Trail Runner 2 in red, size 42": the product and what was asked of it."""
    details = product_details(session, product_id=consent.product_id) if consent.product_id else None
    name = details.hit.name if details else "?"
    lang = consent.language
    parts = []
    if consent.colors:
        parts.append(f" {say('or', lang)} ".join(color_name(c, lang) for c in _split(consent.colors)))
    if consent.sizes:
        parts.append(f"{say('size', lang)} " + f" {say('or', lang)} ".join(_split(consent.sizes)))
    return name + ((" in " + ", ".join(parts)) if parts else "")


def _base_url() -> str:
    return get_settings().shop_base_url.rstrip("/")


def _confirmations_today(session: Session, *, column, value: str, now: datetime) -> int:
    return session.scalar(
        select(func.count()).select_from(ProactiveOutbox).join(ProactiveConsent)
        .where(ProactiveOutbox.kind == "confirm", column == value, ProactiveOutbox.created_at >= now - timedelta(days=1))
    ) or 0


def _queue_confirmation(session: Session, consent: ProactiveConsent, *, now: datetime) -> None:
    email = consent.email or ""
    if (_confirmations_today(session, column=ProactiveConsent.email, value=email, now=now)
            >= MAX_CONFIRMATIONS_PER_EMAIL
            or _confirmations_today(session, column=ProactiveConsent.sender_id, value=consent.sender_id, now=now)
            >= MAX_CONFIRMATIONS_PER_CONVERSATION):
        raise TooManyConfirmations()
    lang = consent.language
    confirm = f"{_base_url()}/proactive/confirm?t={sign(consent.id, 'confirm')}"
    body = text("confirm_body", lang, item=item_label(session, consent), confirm=confirm)
    enqueue(session, dedupe_key=f"confirm:{consent.id}", consent=consent, kind="confirm", now=now,
            subject=text("confirm_subject", lang, shop=get_settings().shop_name), body=body)


def watch_back_in_stock(
    session: Session, *, sender_id: str, product_id: int, colors: tuple[str, ...] = (), sizes: tuple[str, ...] = (),
    channel: Channel, email: str | None = None, verified_email: str | None = None, language: str = "en",
    now: datetime | None = None,
) -> ConsentView:
    """Record the visitor's wish to hear once when the product (in those colours/sizes) is back."""
    now = now or utcnow()
    details = product_details(session, product_id=product_id)
    if details is None or availability(details, colors=colors, sizes=sizes).available:
        raise NothingToWatch()
    address = normalise_email(email) if channel == Channel.EMAIL else None
    if channel == Channel.EMAIL and address is None:
        raise EmailRequired()
    existing = session.scalars(select(ProactiveConsent).where(
        ProactiveConsent.sender_id == sender_id, ProactiveConsent.kind == ConsentKind.BACK_IN_STOCK.value,
        ProactiveConsent.product_id == product_id, ProactiveConsent.colors == ",".join(colors),
        ProactiveConsent.sizes == ",".join(sizes), ProactiveConsent.channel == channel.value,
        ProactiveConsent.email.is_(None) if address is None else ProactiveConsent.email == address,
        ProactiveConsent.status.in_(OPEN))).first()
    if existing is not None:
        return _view(existing)
    proven = channel == Channel.WIDGET or (address is not None and address == normalise_email(verified_email))
    consent = ProactiveConsent(
        kind=ConsentKind.BACK_IN_STOCK.value, channel=channel.value, sender_id=sender_id, email=address,
        language=language_of(language), product_id=product_id, colors=",".join(colors), sizes=",".join(sizes),
        status=ConsentStatus.ACTIVE.value if proven else ConsentStatus.PENDING.value, wording="",
        created_at=now, confirmed_at=now if proven else None)
    session.add(consent)
    session.flush()
    item = item_label(session, consent)
    key = "wording_stock_widget" if channel == Channel.WIDGET else "wording_stock_email"
    consent.wording = text(key, consent.language, item=item, email=address or "")
    if not proven:
        _queue_confirmation(session, consent, now=now)
    session.flush()
    return _view(consent)


def watch_order(
    session: Session, *, sender_id: str, order_number: str | None, language: str = "en", now: datetime | None = None,
) -> ConsentView:
    """Record the wish to hear in this chat when the verified order's status changes."""
    now = now or utcnow()
    # The action passes the order verified in this conversation (its slot); an order unknown here is refused.
    if not order_number or session.scalar(select(Order.id).where(Order.number == order_number)) is None:
        raise OrderNotVerified()
    existing = session.scalars(select(ProactiveConsent).where(
        ProactiveConsent.sender_id == sender_id, ProactiveConsent.kind == ConsentKind.ORDER_UPDATES.value,
        ProactiveConsent.order_number == order_number, ProactiveConsent.status.in_(OPEN))).first()
    if existing is not None:
        return _view(existing)
    lang = language_of(language)
    consent = ProactiveConsent(
        kind=ConsentKind.ORDER_UPDATES.value, channel=Channel.WIDGET.value, sender_id=sender_id, language=lang,
        order_number=order_number, status=ConsentStatus.ACTIVE.value, created_at=now, confirmed_at=now,
        wording=text("wording_order", lang, number=order_number), colors="", sizes="")
    session.add(consent)
    session.flush()
    return _view(consent)


def _withdraw(session: Session, condition, *, now: datetime) -> int:
    ids = list(session.scalars(select(ProactiveConsent.id).where(condition,
                                                                 ProactiveConsent.status.in_(WITHDRAWABLE))))
    if not ids:
        return 0
    session.execute(update(ProactiveConsent).where(ProactiveConsent.id.in_(ids))
                    .values(status=ConsentStatus.WITHDRAWN.value, withdrawn_at=now))
    # Not yet sent: it will not be (one being sent right now is checked again by its dispatcher).
    session.execute(update(ProactiveOutbox).where(ProactiveOutbox.consent_id.in_(ids),
                                                  ProactiveOutbox.status == OutboxStatus.PENDING.value)
                    .values(status=OutboxStatus.CANCELLED.value))
    session.flush()
    return len(ids)


def withdraw_conversation(session: Session, *, sender_id: str, now: datetime | None = None) -> int:
    """Withdraw every open consent given in this conversation; how many there were."""
    return _withdraw(session, ProactiveConsent.sender_id == sender_id, now=now or utcnow())


def unsubscribe(session: Session, *, consent_id: int, now: datetime | None = None) -> bool:
    """Withdraw one consent (the email's signed link); False if it was not open."""
    return _withdraw(session, ProactiveConsent.id == consent_id, now=now or utcnow()) > 0


def confirm(session: Session, *, consent_id: int, now: datetime | None = None) -> bool:
    """The confirmation link was followed: a pending email consent becomes active."""
    result = session.execute(update(ProactiveConsent).where(
        ProactiveConsent.id == consent_id, ProactiveConsent.status == ConsentStatus.PENDING.value)
        .values(status=ConsentStatus.ACTIVE.value, confirmed_at=now or utcnow()))
    session.flush()
    return result.rowcount == 1


def open_consents(session: Session, *, sender_id: str) -> list[ConsentView]:
    """The conversation's pending and active consents."""
    rows = session.scalars(select(ProactiveConsent).where(
        ProactiveConsent.sender_id == sender_id, ProactiveConsent.status.in_(OPEN)).order_by(ProactiveConsent.id))
    return [_view(c) for c in rows]
