"""Which changes produce which notification; each is queued once in the outbox.

- Back in stock: an active back-in-stock consent whose product (in the colours and
  sizes asked for) has stock again gets one message; the consent is then done. A
  consent is only taken while the stock is 0, so this is the 0 → N change.
- Order updates: for an active order-update consent, each status event after the
  consent (shipped, delivered), and a shipped order past its estimated delivery,
  each once. Delivered ends the consent.
The scan reads the shop DB as it is, so stock and orders changed by the shop's own
systems or imports are seen too (there is no single write path of ours to hook).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.products import availability, product_details
from bot.formatting import day
from bot.models import ConsentKind, ConsentStatus, Order, OrderStatus, OrderStatusEvent, ProactiveConsent
from bot.models.base import utcnow
from bot.proactive.consent import item_label
from bot.proactive.outbox import enqueue
from bot.proactive.texts import text
from bot.proactive.tokens import sign
from bot.settings import get_settings

NOTIFIED_STATUSES = (OrderStatus.SHIPPED, OrderStatus.DELIVERED)


def _click_url(token: str) -> str:
    return f"{get_settings().shop_base_url.rstrip('/')}/proactive/c/{token}"


def _email_body(consent: ProactiveConsent, body: str) -> str:
    unsubscribe = f"{get_settings().shop_base_url.rstrip('/')}/proactive/unsubscribe?t={sign(consent.id, 'unsubscribe')}"
    return body + text("email_footer", consent.language, when=day(consent.created_at, consent.language),
                       unsubscribe=unsubscribe)


def _active(session: Session, kind: ConsentKind) -> list[ProactiveConsent]:
    return list(session.scalars(select(ProactiveConsent).where(
        ProactiveConsent.kind == kind.value, ProactiveConsent.status == ConsentStatus.ACTIVE.value,
        ProactiveConsent.confirmed_at.is_not(None)).order_by(ProactiveConsent.id)))


def _back_in_stock(session: Session, consent: ProactiveConsent, *, now: datetime) -> int:
    details = product_details(session, product_id=consent.product_id) if consent.product_id else None
    if details is None:
        return 0
    colors = tuple(c for c in consent.colors.split(",") if c)
    sizes = tuple(s for s in consent.sizes.split(",") if s)
    if not availability(details, colors=colors, sizes=sizes).available:
        return 0
    token = secrets.token_hex(16)
    item = item_label(session, consent)
    body = text("stock_back", consent.language, item=item, link=_click_url(token))
    if consent.channel == "email":
        body = _email_body(consent, body)
    new = enqueue(session, dedupe_key=f"stock:{consent.id}", consent=consent, kind=consent.kind, now=now,
                  subject=text("stock_subject", consent.language, item=item), body=body, link=details.hit.url,
                  token=token)
    consent.status = ConsentStatus.DONE.value
    return int(new)


def _order_message(consent: ProactiveConsent, order: Order, status: OrderStatus) -> str:
    lang = consent.language
    carrier = text("with", lang, carrier=order.carrier) if order.carrier else ""
    key = "order_shipped" if status == OrderStatus.SHIPPED else "order_delivered"
    return text(key, lang, number=order.number, carrier=carrier, link="")


def _order_updates(session: Session, consent: ProactiveConsent, *, now: datetime, today: date) -> int:
    order = session.scalars(select(Order).where(Order.number == consent.order_number)).first()
    if order is None:
        return 0
    created = 0
    events = session.scalars(select(OrderStatusEvent).where(
        OrderStatusEvent.order_id == order.id, OrderStatusEvent.status.in_(NOTIFIED_STATUSES),
        OrderStatusEvent.at > consent.created_at).order_by(OrderStatusEvent.at, OrderStatusEvent.id))
    for event in events:
        created += enqueue(session, dedupe_key=f"order:{consent.id}:{event.id}", consent=consent, kind=consent.kind,
                           now=now, body=_order_message(consent, order, event.status))
    if order.status == OrderStatus.SHIPPED and order.estimated_delivery and order.estimated_delivery < today:
        body = text("order_late", consent.language, number=order.number,
                    eta=day(order.estimated_delivery, consent.language), link="")
        created += enqueue(session, dedupe_key=f"late:{consent.id}:{order.estimated_delivery.isoformat()}",
                           consent=consent, kind=consent.kind, now=now, body=body)
    if order.status in (OrderStatus.DELIVERED, OrderStatus.CANCELLED, OrderStatus.RETURNED):
        consent.status = ConsentStatus.DONE.value
    return created


def enqueue_due(session: Session, *, now: datetime | None = None, today: date | None = None) -> int:
    """Queue every notification that consents and the shop's state call for; how many were new."""
    now = now or utcnow()
    today = today or now.date()
    created = sum(_back_in_stock(session, c, now=now) for c in _active(session, ConsentKind.BACK_IN_STOCK))
    created += sum(_order_updates(session, c, now=now, today=today) for c in _active(session, ConsentKind.ORDER_UPDATES))
    session.flush()
    return created
