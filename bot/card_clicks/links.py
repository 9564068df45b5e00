"""Signed click links of product cards.

A token is ``<message seq>.<product id>.<mac>``; the MAC covers the conversation's id as
well, but the id itself is not in the link: it is the visitor's bearer secret (anyone
holding it reads the conversation), and links end up in browser histories and access
logs. The click route reads the conversation from the tracker row ``seq`` instead, so a
token made for one conversation's card counts for that conversation and that card only,
and nobody without the secret key can make one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from bot.settings import get_settings

CLICK_PREFIX = "/cards/c/"
MAX_TOKEN_CHARS = 64
_MAC_CHARS = 22  # 128 bits, base64url
# Row ids and product ids: positive, and small enough for the database's 64-bit integers.
_SHAPE = re.compile(rf"([1-9][0-9]{{0,17}})\.([1-9][0-9]{{0,17}})\.([A-Za-z0-9_-]{{{_MAC_CHARS}}})")


def _mac(sender_id: str, seq: int, product_id: int, key: str) -> str:
    message = f"card-click:{sender_id}:{seq}:{product_id}".encode()
    digest = hmac.new(key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:_MAC_CHARS]


def sign(*, sender_id: str, seq: int, product_id: int, key: str | None = None) -> str:
    """The token of the card of ``product_id`` in message ``seq`` of conversation ``sender_id``."""
    return f"{seq}.{product_id}.{_mac(sender_id, seq, product_id, key or get_settings().secret_key)}"


def click_path(*, sender_id: str, seq: int, product_id: int) -> str:
    """The gateway path that records a click on that card and leads to the product."""
    return CLICK_PREFIX + sign(sender_id=sender_id, seq=seq, product_id=product_id)


def parse_token(token: str) -> tuple[int, int, str] | None:
    """(seq, product id, mac) of a well-formed token, or None."""
    match = _SHAPE.fullmatch(token) if isinstance(token, str) and len(token) <= MAX_TOKEN_CHARS else None
    if match is None:
        return None
    return int(match[1]), int(match[2]), match[3]


def mac_matches(mac: str, *, sender_id: str, seq: int, product_id: int, key: str | None = None) -> bool:
    """Was ``mac`` made for this conversation's card?"""
    return hmac.compare_digest(mac, _mac(sender_id, seq, product_id, key or get_settings().secret_key))
