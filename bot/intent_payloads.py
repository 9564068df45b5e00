"""Rasa intent payloads (``/intent`` or ``/intent{"entity": value}``): which ones a visitor may send.

Rasa reads a message starting with ``/`` as an intent with entities given as JSON
and trusts it entirely: a confidence cutoff (``/greet@0.3``), lists, objects,
booleans, nulls, and numbers Python reads as floats that are not finite
(``1e999``, ``NaN``, ``Infinity``) all reach the tracker; the last ones used to
be stored as JSON no other reader accepts. `parse_intent_payload` accepts only
the plain shape, with entity values that are strings or finite numbers, within
size bounds, and says why it refuses anything else.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from bot.errors import DomainError

MAX_PAYLOAD_CHARS = 1000
MAX_ENTITIES = 8
MAX_VALUE_CHARS = 200
# Integers beyond this lose precision as floats (JavaScript, PostgreSQL's float casts).
MAX_SAFE_INTEGER = 2**53 - 1
# A name as the domain spells intents and entities; an intent may be a retrieval intent ("faq/shipping").
_NAME = r"[A-Za-z_][A-Za-z0-9_-]{0,63}"
_PAYLOAD = re.compile(rf"/(?P<intent>{_NAME}(?:/{_NAME})?)(?P<entities>\{{.*\}})?", re.DOTALL)
_ENTITY_NAME = re.compile(_NAME)

EntityValue = str | int | float


class InvalidIntentPayload(DomainError):
    """A ``/intent{...}`` text that is not a plain intent with string or finite-number entities."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"invalid intent payload: {reason}")
        self.reason = reason


@dataclass(frozen=True, slots=True)
class IntentPayload:
    intent: str
    entities: tuple[tuple[str, EntityValue], ...] = ()  # in the order given

    def as_text(self) -> str:
        """The payload as strict, compact JSON text (what may safely be sent on to Rasa)."""
        if not self.entities:
            return f"/{self.intent}"
        return f"/{self.intent}" + json.dumps(dict(self.entities), separators=(",", ":"), ensure_ascii=False,
                                              allow_nan=False)


def _refuse_constant(token: str) -> Any:
    raise InvalidIntentPayload(f"{token} is not a number")


def _finite_float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise InvalidIntentPayload(f"{token[:20]} is out of range")
    return value


def _bounded_int(token: str) -> int:
    if len(token.lstrip("-")) > 16:  # before int(): no work on a thousand digits
        raise InvalidIntentPayload("an integer is out of range")
    value = int(token)
    if abs(value) > MAX_SAFE_INTEGER:
        raise InvalidIntentPayload("an integer is out of range")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise InvalidIntentPayload("an entity is given twice")
    return pairs


def _entity(name: str, value: Any) -> tuple[str, EntityValue]:
    if not _ENTITY_NAME.fullmatch(name):
        raise InvalidIntentPayload("an entity name is not a plain name")
    # bool is an int in Python: refuse it before the number check
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InvalidIntentPayload(f"the value of {name!r} is not a string or a number")
    if isinstance(value, str):
        if len(value) > MAX_VALUE_CHARS:
            raise InvalidIntentPayload(f"the value of {name!r} is too long")
        if not value.isprintable():  # control characters, lone surrogates ("\ud800": no UTF-8 store takes it)
            raise InvalidIntentPayload(f"the value of {name!r} holds characters that are not printable")
    return name, value


def parse_intent_payload(text: str) -> IntentPayload:
    """Read ``/intent`` or ``/intent{"entity": value, ...}``; raise `InvalidIntentPayload` for anything else."""
    if len(text) > MAX_PAYLOAD_CHARS:
        raise InvalidIntentPayload("too long")
    match = _PAYLOAD.fullmatch(text)
    if match is None:
        raise InvalidIntentPayload("not of the form /intent or /intent{...}")
    raw = match.group("entities")
    if raw is None:
        return IntentPayload(intent=match.group("intent"))
    try:
        pairs = json.loads(raw, object_pairs_hook=_unique_keys, parse_constant=_refuse_constant,
                           parse_float=_finite_float, parse_int=_bounded_int)
    except InvalidIntentPayload:
        raise
    except (ValueError, RecursionError):
        raise InvalidIntentPayload("the entities are not a JSON object") from None
    if len(pairs) > MAX_ENTITIES:
        raise InvalidIntentPayload("too many entities")
    return IntentPayload(intent=match.group("intent"), entities=tuple(_entity(n, v) for n, v in pairs))


def is_acceptable_intent_payload(text: str) -> bool:
    """Does `parse_intent_payload` accept ``text``?"""
    try:
        parse_intent_payload(text)
    except InvalidIntentPayload:
        return False
    return True
