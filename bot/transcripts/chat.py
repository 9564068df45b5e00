"""What a visitor sees of a conversation: its messages, rebuilt from tracker events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from bot.transcripts.store import StoredEvent, events_after, latest_events

# Event types that make up the visible conversation.
CHAT_EVENT_TYPES = ("user", "bot")
# Messages per read: a client that is further behind reads again from the last seq it got.
PAGE_EVENTS = 500
# Bot messages looked back at for the titles of buttons clicked on a page's first messages.
TITLE_LOOKBACK = 50
# A retried send is looked for among the conversation's newest visitor messages.
RETRY_LOOKBACK = 200
_CARD_KEYS = ("id", "name", "brand", "price", "stock", "in_stock", "url", "image")
# Responses after which the conversation is over (the widget then asks for a rating).
ENDING_RESPONSES = frozenset({"utter_goodbye"})


@dataclass(frozen=True)
class ChatMessage:
    """One message of the conversation as the widget shows it."""

    seq: int | None
    sender: str  # visitor | bot | agent | system
    text: str | None
    timestamp: float
    buttons: tuple[dict[str, str], ...] = ()
    cards: tuple[dict[str, Any], ...] = ()
    image: str | None = None
    client_id: str | None = None
    agent_name: str | None = None
    ends: bool = False  # the bot said goodbye: the conversation is over
    extra: dict[str, Any] = field(default_factory=dict)


def _buttons(raw: Any) -> tuple[dict[str, str], ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(
        {"title": str(b["title"]), "payload": str(b["payload"])}
        for b in raw if isinstance(b, dict) and "title" in b and "payload" in b
    )


def _cards(custom: Any) -> tuple[dict[str, Any], ...]:
    if not isinstance(custom, dict) or custom.get("type") != "product_cards":
        return ()
    products = custom.get("products")
    if not isinstance(products, list):
        return ()
    return tuple({k: p.get(k) for k in _CARD_KEYS} for p in products if isinstance(p, dict))


def _bot_message(event: StoredEvent) -> ChatMessage | None:
    payload = event.data.get("data") or {}
    meta = event.data.get("metadata") or {}
    agent = meta.get("agent_name") if isinstance(meta, dict) else None
    sender = str(meta.get("sender", "agent" if agent else "bot")) if isinstance(meta, dict) else "bot"
    message = ChatMessage(
        seq=event.seq, sender=sender if sender in ("bot", "agent", "system") else "bot",
        text=event.data.get("text"), timestamp=event.timestamp,
        buttons=_buttons(payload.get("buttons")), cards=_cards(payload.get("custom")),
        image=payload.get("image") if isinstance(payload.get("image"), str) else None,
        agent_name=str(agent) if agent else None,
        ends=sender == "bot" and isinstance(meta, dict) and meta.get("utter_action") in ENDING_RESPONSES,
    )
    return message if (message.text or message.buttons or message.cards or message.image) else None


def _visitor_text(event: StoredEvent, buttons_shown: dict[str, str]) -> str | None:
    text = event.data.get("text") or ""
    meta = event.data.get("metadata") or {}
    display = meta.get("display") if isinstance(meta, dict) else None
    if display:
        return str(display)
    if text.startswith("/"):
        # A button payload sent without the title it was shown with.
        return buttons_shown.get(text)
    return text


def to_messages(events: list[StoredEvent], *, titles: dict[str, str] | None = None) -> list[ChatMessage]:
    """Turn stored user/bot events into the messages a visitor saw.

    ``titles`` maps payloads of buttons shown before ``events`` to their titles.
    """
    messages: list[ChatMessage] = []
    buttons_shown: dict[str, str] = dict(titles or {})
    for event in events:
        if event.type_name == "bot":
            message = _bot_message(event)
            if message:
                buttons_shown.update({b["payload"]: b["title"] for b in message.buttons})
                messages.append(message)
        elif event.type_name == "user":
            meta = event.data.get("metadata") or {}
            if isinstance(meta, dict) and meta.get("split_from"):
                continue  # the second question of a message the visitor sent once (rasa_addons/channels.py)
            text = _visitor_text(event, buttons_shown)
            if not text:
                continue
            client_id = meta.get("client_id") if isinstance(meta, dict) else None
            messages.append(ChatMessage(
                seq=event.seq, sender="visitor", text=text, timestamp=event.timestamp,
                client_id=str(client_id) if client_id else None,
            ))
    return messages


def _bare_payloads(events: list[StoredEvent]) -> bool:
    """Does a visitor message among ``events`` show as a payload whose title came earlier?"""
    for event in events:
        meta = event.data.get("metadata")
        if event.type_name == "user" and str(event.data.get("text") or "").startswith("/") \
                and not (isinstance(meta, dict) and meta.get("display")):
            return True
    return False


def _titles_before(conn: Connection, *, sender_id: str, seq: int) -> dict[str, str]:
    titles: dict[str, str] = {}
    for event in reversed(latest_events(conn, sender_id=sender_id, types=("bot",), limit=TITLE_LOOKBACK, before=seq)):
        message = _bot_message(event)
        if message:
            titles.update({b["payload"]: b["title"] for b in message.buttons})
    return titles


def chat_messages(conn: Connection, *, sender_id: str, after: int = 0, limit: int = PAGE_EVENTS) -> list[ChatMessage]:
    """The conversation's messages with ``seq > after``, oldest first, from at most ``limit`` events.

    A long conversation is read a page at a time: the caller asks again after the
    last seq it got, so it never re-reads from the start nor stops at a cap.
    """
    events = events_after(conn, sender_id=sender_id, after=after, types=CHAT_EVENT_TYPES, limit=limit)
    titles = _titles_before(conn, sender_id=sender_id, seq=events[0].seq) if _bare_payloads(events) else {}
    return [m for m in to_messages(events, titles=titles) if m.seq is not None]


def find_by_client_id(conn: Connection, *, sender_id: str, client_id: str) -> ChatMessage | None:
    """The visitor message sent with ``client_id``, if it was stored already (among the newest ones)."""
    for event in latest_events(conn, sender_id=sender_id, types=("user",), limit=RETRY_LOOKBACK):
        meta = event.data.get("metadata")
        if isinstance(meta, dict) and meta.get("client_id") == client_id:
            return ChatMessage(seq=event.seq, sender="visitor", text=event.data.get("text"),
                               timestamp=event.timestamp, client_id=client_id)
    return None
