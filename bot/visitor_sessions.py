"""Visitor session ids: random, and signed so the gateway can tell its own from made-up ones.

A session id is the Rasa sender id of the visitor's conversation. Anyone holding
it can read that conversation, so it is unguessable (144 random bits), and it
carries an HMAC so a client cannot pick its own (e.g. someone else's guessable
name). Nothing is stored: any replica with the same secret key can check one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

_RANDOM_CHARS = 24  # token_urlsafe(18)
_SIG_BYTES = 12
_SIG_CHARS = 16
_SHAPE = re.compile(rf"^[A-Za-z0-9_-]{{{_RANDOM_CHARS + _SIG_CHARS}}}$")


def _signature(random_part: str, secret_key: str) -> str:
    digest = hmac.new(secret_key.encode(), f"visitor-session:{random_part}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:_SIG_BYTES]).decode().rstrip("=")


def new_session_id(*, secret_key: str) -> str:
    """A fresh, signed session id (40 URL-safe characters)."""
    random_part = secrets.token_urlsafe(18)
    return random_part + _signature(random_part, secret_key)


def is_session_id(value: str, *, secret_key: str) -> bool:
    """Was ``value`` issued by ``new_session_id`` with this key?"""
    if not _SHAPE.match(value or ""):
        return False
    random_part, signature = value[:_RANDOM_CHARS], value[_RANDOM_CHARS:]
    return hmac.compare_digest(signature, _signature(random_part, secret_key))
