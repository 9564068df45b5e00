"""Hiding personal data (email addresses, order numbers, phone numbers, street addresses) from staff who may not see it.

Pattern-based, so it has limits: an address without a house number or a street word
("behind the station"), a phone number written in words, or a name is not found.
When a pattern is in doubt it hides (a 6-8 digit run is taken for an order number).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# No square brackets: masked text can be annotated with entities ("[...](email)") in the relabel form.
EMAIL_MASK = "«email»"
ORDER_MASK = "«order no.»"
PHONE_MASK = "«phone»"
ADDRESS_MASK = "«address»"
# Stand-ins that keep exported training data valid where the real value is hidden.
EMAIL_STAND_IN = "customer@example.com"
ORDER_STAND_IN = "123456"
PHONE_STAND_IN = "+44 20 7946 0000"  # a range set aside for drama
ADDRESS_STAND_IN = "1 Example Street"

# Broader than the bot's own parsing (bot/orders/parsing.py): when in doubt, hide.
# Matches start only where a run of address characters starts: no quadratic rescans of long words.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-'])[A-Za-z0-9._%+\-']+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# Order numbers are 6-8 digits; visitors add "#" and spaces or dashes in between ("100  001").
# ISO dates (2025-03-01) are not order numbers.
# Nor is the end of a date and time (2025-03-01 10:30).
_ORDER_NUMBER = re.compile(
    r"(?<![\d.,])(?<!\d[-/])(?!\d{4}-\d\d-\d\d)#?\d(?:[ \-\u00a0]{0,3}\d){5,7}(?![\d.,]?\d)(?!:\d)"
)
# Phone-like runs: digits with spaces, dashes, slashes or brackets, maybe "+" in front.
# _is_phone decides; prices (dots, commas), times (colons) and dates do not get this far.
_PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?:\+|\(\+?)?\d[\d \-/()\u00a0]{5,22}\d(?![\w])")
_DATE_INSIDE = re.compile(r"\d{4}-\d\d-\d\d|\b\d{1,2}/\d{1,2}/\d{2,4}\b")
_NAME = r"[A-ZÀ-Þ][\w'’.\-]*"
_LOOSE_NAME = r"[A-Za-zÀ-ÿ][\w'’.\-]*"
_ADDRESS = re.compile("|".join([
    # 12 Baker Street, 221B baker street, 5 Elm Road: a house number, one to three words, a street word.
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:{_LOOSE_NAME}\s+){{1,3}}"
    r"(?i:street|road|avenue|lane|drive|boulevard|terrace|crescent|gardens)\b",
    # Short or common street words (St., Rd., Way, Place...) only after capitalised names: 221B Baker St.
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:{_NAME}\s+){{1,3}}"
    r"(?:St|Rd|Ave|Ln|Dr|Blvd|Way|Place|Pl|Court|Ct|Close|Square|Sq|Row|Hill|Park)\b\.?",
    # Hauptstraße 5, Berliner Str. 12a, Lindenallee 3, Am Rosenweg 7: German style, number after the street.
    rf"\b(?:{_NAME}\s+)?[A-Za-zÀ-ÿ][\w\-]*(?i:straße|strasse|str\.|allee|gasse|weg|platz|damm|ufer)"
    r"\s*\d{1,4}\s?[a-zA-Z]?\b",
    rf"\b{_NAME}\s+(?i:straße|strasse|str\.|allee|gasse|weg|platz)\s*\d{{1,4}}\s?[a-zA-Z]?\b",
    # 12 rue de la Paix, 3 avenue Foch.
    r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?i:rue|avenue|boulevard|chemin|allée|impasse)\s+(?:[\w'’\-]+\s?){1,4}",
]))
PERSONAL_ENTITIES = frozenset({"email", "order_number"})
PERSONAL_SLOTS = frozenset({"email", "verified_email", "contact_email", "order_number", "verified_order"})


@dataclass(frozen=True, slots=True)
class Replaced:
    """A stretch of the original text and what stands in its place in the masked text."""

    start: int
    end: int
    masked_start: int
    masked_end: int


def _is_phone(candidate: str) -> bool:
    """International (+49 30 1234567, 0049...), local with a trunk 0 (030 1234567) or US style (555-123-4567).

    Fewer than 8 digits, or 6-8 digits without "+"/"0" in front, stay order numbers.
    """
    if _DATE_INSIDE.search(candidate):
        return False
    digits = re.sub(r"\D", "", candidate)
    body = candidate.lstrip("(")
    if body.startswith("+") or digits.startswith("00"):
        return 8 <= len(digits) <= 15
    if digits.startswith("0"):
        return 9 <= len(digits) <= 12
    return len(digits) == 10 and digits != candidate


def _phones(text: str) -> list[tuple[int, int]]:
    found = []
    for m in _PHONE_CANDIDATE.finditer(text):
        candidate = m.group().rstrip(" -/(\u00a0")
        if _is_phone(candidate):
            found.append((m.start(), m.start() + len(candidate)))
    return found


def _personal_spans(text: str) -> list[tuple[int, int, str]]:
    spans = [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
    found = [(m.start(), m.end(), "address") for m in _ADDRESS.finditer(text)]
    found += [(start, end, "phone") for start, end in _phones(text)]
    found += [(m.start(), m.end(), "order") for m in _ORDER_NUMBER.finditer(text)]
    for start, end, kind in found:  # the first kind to claim a stretch keeps it
        if not any(start < e and s < end for s, e, _ in spans):
            spans.append((start, end, kind))
    return sorted(spans)


def mask_with_alignment(
    text: str, *, email: str = EMAIL_MASK, order: str = ORDER_MASK, phone: str = PHONE_MASK,
    address: str = ADDRESS_MASK,
) -> tuple[str, list[Replaced]]:
    """``text`` masked, and where each replacement sits in the original and in the masked text."""
    tokens = {"email": email, "order": order, "phone": phone, "address": address}
    out: list[str] = []
    replaced: list[Replaced] = []
    position, length = 0, 0
    for start, end, kind in _personal_spans(text):
        out.append(text[position:start])
        length += start - position
        token = tokens[kind]
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


def mask_text(text: str | None) -> str | None:
    """``text`` with every email address, order number, phone number and street address replaced."""
    if not text:
        return text
    return mask_with_alignment(text)[0]


def stand_in_text(text: str) -> str:
    """``text`` with personal data replaced by harmless values of the same shape (for exports)."""
    if not text:
        return ""
    return mask_with_alignment(text, email=EMAIL_STAND_IN, order=ORDER_STAND_IN, phone=PHONE_STAND_IN,
                               address=ADDRESS_STAND_IN)[0]


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
        return mask_text(str(value))
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
