"""Recording a click on a product card. The caller commits."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.card_clicks.links import mac_matches, parse_token
from bot.catalog.hits import product_url
from bot.db import conflict_insert
from bot.models import CardClick, Product
from bot.transcripts.chat import to_messages
from bot.transcripts.store import event_at


def _shown_card(tracker: Connection, *, seq: int, product_id: int, mac: str) -> str | None:
    """The conversation whose bot message ``seq`` showed ``product_id``'s card, if ``mac`` was made for it."""
    event = event_at(tracker, seq=seq)
    if event is None or event.type_name != "bot":
        return None
    if not mac_matches(mac, sender_id=event.sender_id, seq=seq, product_id=product_id):
        return None
    messages = to_messages([event])
    if not any(card.get("id") == product_id for m in messages for card in m.cards):
        return None
    return event.sender_id


def record_click(session: Session, *, tracker: Connection, token: str, now: datetime | None = None) -> str | None:
    """Record the click ``token`` stands for (once per conversation, message and product) and return the
    product's page; None for a token the gateway did not issue or a product the shop no longer has."""
    parsed = parse_token(token)
    if parsed is None:
        return None
    seq, product_id, mac = parsed
    sender_id = _shown_card(tracker, seq=seq, product_id=product_id, mac=mac)
    if sender_id is None:
        return None
    # The link leads to the product's page as the shop knows it, never to anything the request carries.
    slug = session.scalar(select(Product.slug).where(Product.id == product_id))
    if slug is None:
        return None
    stmt = conflict_insert(session.get_bind().dialect.name, CardClick).values(
        sender_id=sender_id, message_seq=seq, product_id=product_id, clicked_at=now or datetime.now(timezone.utc),
    ).on_conflict_do_nothing(index_elements=["sender_id", "message_seq", "product_id"])
    session.execute(stmt)
    return product_url(slug)
