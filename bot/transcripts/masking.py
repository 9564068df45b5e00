"""Hiding personal data (email addresses, order numbers) from staff who may not see it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# No square brackets: masked text can be annotated with entities ("[...](email)") in the relabel form.
EMAIL_MASK = "«email»"
ORDER_MASK = "«order no.»"
# Stand-ins that keep exported training data valid where the real value is hidden.
EMAIL_STAND_IN = "customer@example.com"
ORDER_STAND_IN = "123456"

# Broader than the bot's own parsing (bot/orders/parsing.py): when in doubt, hide.
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-']+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# Order numbers are 6-8 digits; visitors add "#" and spaces or dashes in between.
# ISO dates (2025-03-01) are not order numbers.
_ORDER_NUMBER = re.compile(r"(?<![\d.,])(?!\d{4}-\d\d-\d\d)#?\d(?:[ \-]?\d){5,7}(?![\d.,]?\d)")
PERSONAL_ENTITIES = frozenset({"email", "order_number"})
PERSONAL_SLOTS = frozenset({"email", "verified_email", "contact_email", "order_number", "verified_order"})


@dataclass(frozen=True, slots=True)
class Replaced:
    """A stretch of the original text and what stands in its place in the masked text."""

    start: int
    end: int
    masked_start: int
    masked_end: int


def _personal_spans(text: str) -> list[tuple[int, int, str]]:
    spans = [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
    for m in _ORDER_NUMBER.finditer(text):
        if not any(m.start() < end and start < m.end() for start, end, _ in spans):
            spans.append((m.start(), m.end(), "order"))
    return sorted(spans)


def mask_with_alignment(text: str, *, email: str = EMAIL_MASK, order: str = ORDER_MASK) -> tuple[str, list[Replaced]]:
    """``text`` masked, and where each replacement sits in the original and in the masked text."""
    out: list[str] = []
    replaced: list[Replaced] = []
    position, length = 0, 0
    for start, end, kind in _personal_spans(text):
        out.append(text[position:start])
        length += start - position
        token = email if kind == "email" else order
        replaced.append(Replaced(start=start, end=end, masked_start=length, masked_end=length + len(token)))
        out.append(token)
        length += len(token)
        position = end
    out.append(text[position:])
    return "".join(out), replaced


def original_offset(masked_offset: int, replaced: list[Replaced], *, is_end: bool) -> int:
    """Map an offset in the masked text back to the original; inside a mask, to the mask's edge."""
    shift = 0
    for r in replaced:
        if masked_offset <= r.masked_start:
            break
        if masked_offset < r.masked_end:
            return r.end if is_end else r.start
        shift = r.end - r.masked_end
    return masked_offset + shift


def mask_text(text: str | None, *, email: str = EMAIL_MASK, order: str = ORDER_MASK) -> str | None:
    """``text`` with every email address and order number replaced."""
    if not text:
        return text
    return mask_with_alignment(text, email=email, order=order)[0]


def stand_in_text(text: str) -> str:
    """``text`` with personal data replaced by harmless values of the same shape (for exports)."""
    return mask_text(text, email=EMAIL_STAND_IN, order=ORDER_STAND_IN) or ""


def has_personal_data(text: str | None) -> bool:
    """Does ``text`` contain something ``mask_text`` would hide?"""
    return bool(text) and mask_text(text) != text


def mask_value(value: Any) -> Any:
    """Mask the strings inside a JSON-like value (slot values, entity values)."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [mask_value(v) for v in value]
    if isinstance(value, dict):
        return {k: mask_value(v) for k, v in value.items()}
    if isinstance(value, int) and not isinstance(value, bool) and has_personal_data(str(value)):
        return ORDER_MASK
    return value


def mask_slot(name: str, value: Any) -> Any:
    """A slot's value as an agent may see it: personal slots entirely hidden, others masked."""
    if value is None:
        return None
    if name in PERSONAL_SLOTS:
        return EMAIL_MASK if "email" in name else ORDER_MASK
    return mask_value(value)


def display_value(value: Any) -> str:
    """A slot or entity value as one line of text."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)
