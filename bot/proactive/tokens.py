"""Signed links of the proactive emails: confirm a consent, unsubscribe from it.

A token names one consent and one purpose and is signed with the service's secret
key, so a link works without a login but only for the consent it was made for.
"""

from __future__ import annotations

import hashlib
import hmac

from bot.settings import get_settings

PURPOSES = frozenset({"confirm", "unsubscribe"})


def _mac(consent_id: int, purpose: str, key: str) -> str:
    message = f"proactive:{purpose}:{consent_id}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()[:32]


def sign(consent_id: int, purpose: str, *, key: str | None = None) -> str:
    """``<consent id>.<mac>`` for ``purpose``."""
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    return f"{consent_id}.{_mac(consent_id, purpose, key or get_settings().secret_key)}"


def verify(token: str, purpose: str, *, key: str | None = None) -> int | None:
    """The consent id ``token`` was signed for with ``purpose``, or None."""
    if purpose not in PURPOSES or not isinstance(token, str) or len(token) > 80:
        return None
    head, _, mac = token.partition(".")
    if not head.isdigit() or len(head) > 18:
        return None
    consent_id = int(head)
    expected = _mac(consent_id, purpose, key or get_settings().secret_key)
    return consent_id if hmac.compare_digest(mac, expected) else None
