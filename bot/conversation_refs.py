"""The console's references to conversations: opaque, stable, and worthless on the public API.

A conversation's sender id is the visitor's bearer secret (the widget's session id), so
staff pages, URLs, JSON and exports name a conversation by ``c`` + 20 base32 characters of
HMAC-SHA256(secret key, "console-ref:" + sender id) instead: 100 bits, so refs do not
collide, and without the key one cannot be computed from a sender id or turned back into
one. The console resolves a ref through the ``conversation_refs`` table, filled whenever
it shows a conversation; a ref it never showed is unknown (a 404).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db import conflict_insert
from bot.errors import DomainError
from bot.models import ConversationRef
from bot.settings import get_settings

REF_CHARS = 21
_REF = re.compile(r"c[a-z2-7]{20}")


class UnknownRef(DomainError):
    """No conversation the console has shown has this ref (or it is not a ref at all)."""

    def __init__(self) -> None:
        super().__init__("there is no conversation with this reference (it may have been deleted)")


def conversation_ref(sender_id: str, *, key: str | None = None) -> str:
    """The ref of ``sender_id`` under the secret key (the settings' unless given)."""
    secret = (key if key is not None else get_settings().secret_key).encode()
    digest = hmac.new(secret, b"console-ref:" + sender_id.encode(), hashlib.sha256).digest()
    return "c" + base64.b32encode(digest).decode().lower()[:REF_CHARS - 1]


def remember_refs(session: Session, *, sender_ids: Iterable[str]) -> dict[str, str]:
    """The refs of ``sender_ids`` by sender id, stored so that they resolve (flushes, never commits)."""
    refs = {sid: conversation_ref(sid) for sid in sorted(set(sender_ids)) if sid}
    if refs:
        rows = [{"ref": ref, "sender_id": sid} for sid, ref in refs.items()]
        stmt = conflict_insert(session.get_bind().dialect.name, ConversationRef).values(rows)
        # A sender id already stored under an older secret key gets its current ref.
        session.execute(stmt.on_conflict_do_update(index_elements=["sender_id"], set_={"ref": stmt.excluded.ref},
                                                   where=ConversationRef.ref != stmt.excluded.ref))
    return refs


def remember_ref(session: Session, *, sender_id: str) -> str:
    """The ref of one conversation, stored so that it resolves."""
    return remember_refs(session, sender_ids=[sender_id])[sender_id]


def resolve_ref(session: Session, *, ref: str) -> str:
    """The sender id behind ``ref``; ``UnknownRef`` if the console never showed it."""
    if not _REF.fullmatch(ref):
        raise UnknownRef()
    sender_id = session.scalar(select(ConversationRef.sender_id).where(ConversationRef.ref == ref))
    if sender_id is None or not hmac.compare_digest(conversation_ref(sender_id), ref):
        raise UnknownRef()  # also a row left from an older secret key
    return sender_id


def forget_ref(session: Session, *, sender_id: str) -> int:
    """Delete the conversation's ref row (erasure); returns the number of rows deleted."""
    return session.execute(delete(ConversationRef).where(ConversationRef.sender_id == sender_id)).rowcount or 0
