"""What one tracker event adds to the summaries: pure functions of the event's JSON."""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from typing import Any

FALLBACK_INTENT = "nlu_fallback"
# Actions the console counts, by the kind of mark they leave.
MARKED_ACTIONS = {
    "action_handoff": "handoff",
    "action_default_fallback": "default_fallback",
    "action_fallback_suggest": "suggest",
}
SNIPPET_CHARS = 140
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL; surrogates left unpaired (json.loads joins pairs)
_MAX_TEXT = 20_000  # what search keeps of one message (the gateway accepts far less)


@dataclass(frozen=True, slots=True)
class Turn:
    key: str
    ts: float
    intent: str | None
    ranked_intent: str | None
    confidence: float | None
    typed: bool


@dataclass(frozen=True, slots=True)
class Message:
    key: str
    ts: float
    kind: str
    text: str  # as sent: what search matches
    shown: str | None  # as the list shows it: the visible text, collapsed and cut (``snippet``)


@dataclass(frozen=True, slots=True)
class Extracted:
    ts: float
    turn: Turn | None = None
    mark: str | None = None
    message: Message | None = None


def event_key(event: dict[str, Any]) -> str:
    """A name for the event that is the same however often, and by whichever path, it arrives.

    A visitor message has Rasa's ``message_id``; any other event is named by a digest
    of its JSON (the broker's copy carries ``sender_id`` as well, which is left out).
    """
    message_id = event.get("message_id")
    if event.get("event") == "user" and isinstance(message_id, str) and 0 < len(message_id) <= 64:
        return clean(message_id)
    body = {k: v for k, v in event.items() if k != "sender_id"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return "h:" + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def clean(text: str) -> str:
    """``text`` as every database stores it: a NUL or an unpaired surrogate (a visitor can type
    both as JSON escapes) becomes U+FFFD, where SQLite's and PostgreSQL's drivers would refuse the row."""
    if text.isascii() and "\x00" not in text:
        return text
    return _UNSTORABLE.sub("\ufffd", text)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _name(value: Any) -> str | None:
    return clean(value[:255]) if isinstance(value, str) and value else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def timestamp(event: dict[str, Any]) -> float:
    value = _number(event.get("timestamp"))
    return value if value is not None and value >= 0 else 0.0


def _turn(key: str, ts: float, event: dict[str, Any]) -> Turn:
    parse = _dict(event.get("parse_data"))
    intent = _name(_dict(parse.get("intent")).get("name"))
    if intent == FALLBACK_INTENT:
        # The FallbackClassifier puts nlu_fallback first in the ranking; the classifier's own top is second.
        ranking = parse.get("intent_ranking")
        runner_up = _dict(ranking[1]) if isinstance(ranking, list) and len(ranking) > 1 else {}
        ranked, confidence = _name(runner_up.get("name")), _number(runner_up.get("confidence"))
    else:
        ranked, confidence = intent, _number(_dict(parse.get("intent")).get("confidence"))
    text = event.get("text")
    typed = not (isinstance(text, str) and text.startswith("/"))
    return Turn(key=key, ts=ts, intent=intent, ranked_intent=ranked, confidence=confidence, typed=typed)


def _message(key: str, ts: float, kind: str, event: dict[str, Any]) -> Message | None:
    text = event.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    display = _dict(event.get("metadata")).get("display")
    visible = display if isinstance(display, str) and display.strip() else text  # a button's title, not its payload
    return Message(key=key, ts=ts, kind=kind, text=clean(text[:_MAX_TEXT]), shown=snippet(clean(visible[:_MAX_TEXT])))


def extract(event: dict[str, Any]) -> Extracted:
    """The rows ``event`` adds: a turn (visitor message), a mark (a counted action), a message (text)."""
    ts = timestamp(event)
    kind = event.get("event")
    if kind == "user":
        key = event_key(event)
        return Extracted(ts=ts, turn=_turn(key, ts, event), message=_message(key, ts, "user", event))
    if kind == "bot":
        return Extracted(ts=ts, message=_message(event_key(event), ts, "bot", event))
    if kind == "action":
        return Extracted(ts=ts, mark=MARKED_ACTIONS.get(event.get("name")))
    return Extracted(ts=ts)


def snippet(text: str | None) -> str | None:
    """A message as the list shows it: whitespace collapsed, at most ``SNIPPET_CHARS``."""
    if not text:
        return None
    return " ".join(text.split())[:SNIPPET_CHARS] or None
