"""Server-side staff login sessions: any API replica can check a cookie against the shop DB."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from bot.models import StaffRole, StaffSession, StaffUser
from bot.settings import get_settings
from bot.staff.clock import aware, current

# last_seen_at is written at most this often, so reading pages does not write on every request.
TOUCH_EVERY = timedelta(minutes=1)
_MAX_TOKEN_CHARS = 128


@dataclass(frozen=True, slots=True)
class StaffIdentity:
    """The staff member behind a valid session cookie."""

    staff_id: int
    email: str
    name: str
    role: str
    csrf_token: str
    expires_at: datetime

    @property
    def is_admin(self) -> bool:
        return self.role == StaffRole.ADMIN.value


def token_digest(token: str) -> str:
    """The stored form of a cookie token (the raw token is never stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


def lifetimes() -> tuple[timedelta, timedelta]:
    """The absolute and the idle lifetime of a session, from the settings."""
    settings = get_settings()
    return timedelta(hours=settings.console_session_hours), timedelta(minutes=settings.console_idle_minutes)


def start_session(
    session: Session, *, staff_id: int, user_agent: str | None = None, ip: str | None = None,
    now: datetime | None = None,
) -> str:
    """Open a session for the account and return its raw token (for the cookie only)."""
    moment = current(now)
    absolute, _idle = lifetimes()
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(
        id=token_digest(token), staff_user_id=staff_id, csrf_token=secrets.token_urlsafe(32),
        created_at=moment, last_seen_at=moment, expires_at=moment + absolute,
        user_agent=(user_agent or None) and user_agent[:255], ip=(ip or None) and ip[:45],
    ))
    session.flush()
    return token


def resolve(session: Session, token: str | None, *, now: datetime | None = None) -> StaffIdentity | None:
    """Who holds ``token``, or None when it is unknown, expired, idle too long or its account inactive."""
    if not token or len(token) > _MAX_TOKEN_CHARS:
        return None
    row = session.execute(
        select(StaffSession, StaffUser).join(StaffUser, StaffSession.staff_user_id == StaffUser.id)
        .where(StaffSession.id == token_digest(token))
    ).one_or_none()
    if row is None:
        return None
    record, user = row
    moment = current(now)
    _absolute, idle = lifetimes()
    last_seen = aware(record.last_seen_at)
    if not user.is_active or moment >= aware(record.expires_at) or moment - last_seen >= idle:
        session.delete(record)
        session.flush()
        return None
    if moment - last_seen >= TOUCH_EVERY:
        record.last_seen_at = moment
        session.flush()
    return StaffIdentity(
        staff_id=user.id, email=user.email, name=user.name, role=StaffRole(user.role).value,
        csrf_token=record.csrf_token, expires_at=aware(record.expires_at),
    )


def end_session(session: Session, token: str | None) -> bool:
    """Forget the session of ``token`` (logout); False if there was none."""
    if not token or len(token) > _MAX_TOKEN_CHARS:
        return False
    result = session.execute(delete(StaffSession).where(StaffSession.id == token_digest(token)))
    return bool(result.rowcount)


def end_all_sessions(session: Session, *, staff_id: int) -> int:
    """Log the account out everywhere; returns how many sessions ended."""
    result = session.execute(delete(StaffSession).where(StaffSession.staff_user_id == staff_id))
    return result.rowcount or 0


def purge_expired(session: Session, *, now: datetime | None = None) -> int:
    """Delete sessions past their absolute or idle limit; returns how many."""
    moment = current(now)
    _absolute, idle = lifetimes()
    result = session.execute(
        delete(StaffSession).where(or_(StaffSession.expires_at <= moment, StaffSession.last_seen_at <= moment - idle))
    )
    return result.rowcount or 0
