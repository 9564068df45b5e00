"""Passing a visitor's message on: to the agent who holds the chat, or to Rasa.

One relay for both public ways in (``/api/chat`` and the widget's sessions), so
both apply the same rules:
- A text starting with ``/`` is a Rasa payload (an intent with entities and even
  a confidence, bypassing NLU). It counts only when it equals a button the bot
  offered in this conversation and has the plain shape (bot/intent_payloads.py:
  entity values only strings or finite numbers); any other is passed on as the
  words it contains, and shown as typed. Rasa's own commands (``/restart``…) get
  a clear notice.
- The gateway stamps every message with its source (bot/sources.py), which the
  actions' throttles count by; the visitor cannot set it.
- And with the request id bound for this HTTP request (api/access_log.py), so the
  action server's log lines for this message carry the gateway's id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from api.rasa_client import RasaClient
from bot.db import session_scope
from bot.handoff_sessions import is_held_by_agent
from bot.intent_payloads import is_acceptable_intent_payload
from bot.logging_setup import current_request_id
from bot.transcripts.offers import offered_payloads
from bot.transcripts.store import get_tracker_engine

LOOKUP_UNAVAILABLE = "Sorry, I can't look that up right now. Please try again in a few minutes."
SOMETHING_WENT_WRONG = "Sorry, something went wrong on my side. Could you say that again?"
COMMAND_NOTICE = ("Typed commands such as \u201c{command}\u201d aren't available in this chat. "
                  "Just tell me in your own words what you need, or start a new conversation.")
PAYLOAD_PREFIX = "/"
# Rasa's built-in intents that act on the conversation itself (rasa.shared.core.constants).
RASA_COMMANDS = frozenset({"restart", "session_start", "back"})
CHANNEL = "gateway"


class EmptyText(ValueError):
    """Nothing is left to send once a stray payload prefix is taken off."""


@dataclass(frozen=True, slots=True)
class Incoming:
    """What goes to Rasa for one visitor message, or the notice the gateway answers instead."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    notice: str | None = None


def _command(text: str) -> str:
    return text[len(PAYLOAD_PREFIX):].split("{", 1)[0].split("@", 1)[0].strip().lower()


def incoming(
    text: str, *, offered: frozenset[str], source: str, client_id: str | None = None, display: str | None = None,
    language: str | None = None, request_id: str | None = None,
) -> Incoming:
    """Decide what Rasa gets for ``text`` (already stripped) sent from ``source``."""
    metadata: dict[str, Any] = {"source": source}
    if request_id:
        metadata["request_id"] = request_id  # read by the action server's logging (actions/request_ids.py)
    if language:
        metadata["language"] = language  # read by rasa_addons.language when the words don't tell
    if client_id:
        metadata["client_id"] = client_id
    if display:
        metadata["display"] = display
    if not text.startswith(PAYLOAD_PREFIX):
        return Incoming(text, metadata)
    # Our own buttons are well-formed; checking them too keeps a bad one out of the tracker.
    if text in offered and is_acceptable_intent_payload(text):
        return Incoming(text, metadata)
    if _command(text) in RASA_COMMANDS:
        return Incoming(text, metadata, notice=COMMAND_NOTICE.format(command=text[:40]))
    words = text.lstrip(PAYLOAD_PREFIX).strip()
    if not words:
        raise EmptyText("message is empty")
    # NLU reads the words; the transcript shows what was typed.
    metadata.setdefault("display", text)
    return Incoming(words, metadata)


def _offered(sender_id: str) -> frozenset[str]:
    with get_tracker_engine().connect() as conn:
        return offered_payloads(conn, sender_id=sender_id)


async def prepare(
    text: str, *, sender_id: str, source: str, client_id: str | None = None, display: str | None = None,
    language: str | None = None,
) -> Incoming:
    """``incoming`` with the payloads this conversation was offered, read from the tracker store,
    and the request id bound for this request."""
    offered = await run_in_threadpool(_offered, sender_id) if text.startswith(PAYLOAD_PREFIX) else frozenset()
    return incoming(text, offered=offered, source=source, client_id=client_id, display=display, language=language,
                    request_id=current_request_id())


def held_by_agent(sender_id: str) -> bool:
    """True while an agent holds the conversation, so Rasa's silence is on purpose."""
    try:
        with session_scope() as session:
            return is_held_by_agent(session, sender_id=sender_id)
    except SQLAlchemyError:
        return False  # shop DB down: the visitor gets the "can't look that up" notice


async def deliver(
    rasa: RasaClient, *, sender_id: str, message: Incoming, typing: Callable[[bool], None] | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """Send ``message`` on; return Rasa's replies and whether an agent holds the chat.

    While an agent holds it, the message is stored for them and the bot is not asked.
    ``typing(True/False)`` brackets the wait for the bot's answer.
    """
    if await run_in_threadpool(held_by_agent, sender_id):
        await rasa.store_visitor_message(sender_id=sender_id, text=message.text, metadata=message.metadata,
                                         channel=CHANNEL)
        return [], True
    if typing:
        typing(True)
    try:
        raw = await rasa.send(sender_id=sender_id, text=message.text, metadata=message.metadata, channel=CHANNEL)
    finally:
        if typing:
            typing(False)
    return raw, False


async def silence_notice(rasa: RasaClient, *, sender_id: str) -> str | None:
    """What to tell a visitor whom Rasa answered with nothing; None when an agent took the chat meanwhile."""
    if await run_in_threadpool(held_by_agent, sender_id):
        return None
    # Rasa answers nothing when a custom action failed (action server or DB down).
    ok, _ = await rasa.action_server_health()
    return LOOKUP_UNAVAILABLE if not ok else SOMETHING_WENT_WRONG
