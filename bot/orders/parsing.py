"""Parsing of order numbers and emails as visitors type them."""

from __future__ import annotations

import re

# Order numbers are 6-8 digits ("100234"); visitors add "#", "no.", spaces.
_ORDER_NUMBER = re.compile(r"(?<!\d)#?\s*(\d[\d \-]{4,10}\d)(?!\d)")
# Deliberately simple: one @, a dot in the domain, no spaces.
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-']+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")


def normalise_order_number(text: str | None) -> str | None:
    """Return the order number in ``text`` as bare digits, or None if there is none."""
    if not text:
        return None
    for match in _ORDER_NUMBER.finditer(str(text)):
        digits = re.sub(r"\D", "", match.group(1))
        if 6 <= len(digits) <= 8:
            return digits
    return None


def normalise_email(text: str | None) -> str | None:
    """Return the email address in ``text`` in lower case, or None if there is none."""
    if not text:
        return None
    match = _EMAIL.search(str(text))
    if not match:
        return None
    email = match.group(0).strip(".").lower()
    local, _, domain = email.partition("@")
    if not local or ".." in email or domain.startswith(".") or len(email) > 254:
        return None
    return email
