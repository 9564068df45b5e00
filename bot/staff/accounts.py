"""Staff accounts: creation, password checks (argon2) and role management."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import StaffRole, StaffUser
from bot.staff import sessions
from bot.staff.clock import aware, current
from bot.staff.errors import (
    EmailTaken,
    InactiveAccount,
    InvalidCredentials,
    InvalidStaffInput,
    LastAdmin,
    OwnAccount,
    PasswordTooShort,
    StaffNotFound,
    WrongPassword,
)

ROLES = tuple(r.value for r in StaffRole)
MIN_PASSWORD_CHARS = 12
# Long enough for any passphrase, short enough that hashing stays cheap to refuse.
MAX_PASSWORD_CHARS = 256
NAME_MAX_CHARS = 120
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")


@dataclass(frozen=True, slots=True)
class StaffAccount:
    id: int
    email: str
    name: str
    role: str
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None

    @property
    def is_admin(self) -> bool:
        return self.role == StaffRole.ADMIN.value


@lru_cache
def password_hasher() -> PasswordHasher:
    """The process-wide hasher: argon2id with argon2-cffi's current recommended parameters."""
    return PasswordHasher()


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    # Verified against for unknown emails, so they cost as much time as known ones.
    return hasher.hash(secrets.token_urlsafe(16))


def _view(user: StaffUser) -> StaffAccount:
    return StaffAccount(
        id=user.id, email=user.email, name=user.name, role=StaffRole(user.role).value,
        is_active=user.is_active, created_at=aware(user.created_at), last_login_at=aware(user.last_login_at),
    )


def normalise_login_email(email: str) -> str:
    """The form in which emails are stored and looked up."""
    return email.strip().lower()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise PasswordTooShort(MIN_PASSWORD_CHARS)
    if len(password) > MAX_PASSWORD_CHARS:
        raise InvalidStaffInput("password", f"the password may have at most {MAX_PASSWORD_CHARS} characters")


def _role(role: str | StaffRole) -> StaffRole:
    try:
        return StaffRole(role)
    except ValueError:
        raise InvalidStaffInput("role", "the role must be agent or admin") from None


def _by_email(session: Session, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.email == normalise_login_email(email)))


def _get(session: Session, staff_id: int) -> StaffUser:
    user = session.get(StaffUser, staff_id)
    if user is None:
        raise StaffNotFound(f"with id {staff_id}")
    return user


def create_staff(
    session: Session, *, email: str, name: str, role: str | StaffRole, password: str,
    hasher: PasswordHasher | None = None, now: datetime | None = None,
) -> StaffAccount:
    """Add a staff account; the email must be new and the password long enough."""
    address = normalise_login_email(email)
    if not _EMAIL.match(address) or len(address) > 254:
        raise InvalidStaffInput("email", "that is not an email address")
    clean_name = " ".join(name.split())
    if not clean_name or len(clean_name) > NAME_MAX_CHARS:
        raise InvalidStaffInput("name", f"the name must have 1 to {NAME_MAX_CHARS} characters")
    staff_role = _role(role)
    _check_password(password)
    if _by_email(session, address) is not None:
        raise EmailTaken(address)
    user = StaffUser(
        email=address, name=clean_name, role=staff_role, is_active=True,
        password_hash=(hasher or password_hasher()).hash(password), created_at=current(now),
    )
    session.add(user)
    session.flush()
    return _view(user)


def authenticate(
    session: Session, *, email: str, password: str,
    hasher: PasswordHasher | None = None, now: datetime | None = None,
) -> StaffAccount:
    """The account whose email and password these are; raises ``InvalidCredentials`` or ``InactiveAccount``."""
    hasher = hasher or password_hasher()
    user = _by_email(session, email) if len(password) <= MAX_PASSWORD_CHARS else None
    if user is None:
        try:
            hasher.verify(_dummy_hash(hasher), password[:MAX_PASSWORD_CHARS])
        except VerificationError:
            pass
        raise InvalidCredentials()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise InvalidCredentials() from None
    if not user.is_active:
        raise InactiveAccount()
    if hasher.check_needs_rehash(user.password_hash):
        # Parameters were raised since this hash was made; the plain password is at hand only now.
        user.password_hash = hasher.hash(password)
    user.last_login_at = current(now)
    session.flush()
    return _view(user)


def set_password(
    session: Session, *, staff_id: int, password: str, hasher: PasswordHasher | None = None
) -> StaffAccount:
    """Give the account a new password and end its sessions (they were opened with the old one)."""
    user = _get(session, staff_id)
    _check_password(password)
    user.password_hash = (hasher or password_hasher()).hash(password)
    sessions.end_all_sessions(session, staff_id=user.id)
    session.flush()
    return _view(user)


def change_own_password(
    session: Session, *, staff_id: int, current_password: str, new_password: str,
    hasher: PasswordHasher | None = None,
) -> StaffAccount:
    """A staff member's own change: the current password first (``WrongPassword``), then as ``set_password``."""
    hasher = hasher or password_hasher()
    user = _get(session, staff_id)
    try:
        hasher.verify(user.password_hash, current_password[:MAX_PASSWORD_CHARS + 1])
    except (VerificationError, InvalidHashError):
        raise WrongPassword() from None
    if new_password == current_password:
        raise InvalidStaffInput("new_password", "the new password must differ from the current one")
    return set_password(session, staff_id=staff_id, password=new_password, hasher=hasher)


def get_staff(session: Session, *, staff_id: int) -> StaffAccount:
    """One account by id; raises ``StaffNotFound``."""
    return _view(_get(session, staff_id))


def find_staff(session: Session, *, email: str) -> StaffAccount:
    """One account by email; raises ``StaffNotFound``."""
    user = _by_email(session, email)
    if user is None:
        raise StaffNotFound(f"with the email {normalise_login_email(email)}")
    return _view(user)


def list_staff(session: Session) -> list[StaffAccount]:
    """Every account, active ones first, then by name."""
    users = session.scalars(select(StaffUser).order_by(StaffUser.is_active.desc(), StaffUser.name, StaffUser.id))
    return [_view(u) for u in users]


def count_active_admins(session: Session) -> int:
    """How many active admins there are."""
    return session.scalar(
        select(func.count(StaffUser.id)).where(StaffUser.is_active.is_(True), StaffUser.role == StaffRole.ADMIN)
    ) or 0


def _refuse_removing_last_admin(session: Session, user: StaffUser) -> None:
    if not (user.is_active and StaffRole(user.role) is StaffRole.ADMIN):
        return
    # Lock the admin rows (PostgreSQL) so two admins demoting each other at once cannot both win.
    admins = session.scalars(
        select(StaffUser.id).where(StaffUser.is_active.is_(True), StaffUser.role == StaffRole.ADMIN)
        .with_for_update()
    ).all()
    if len(admins) <= 1:
        raise LastAdmin()


def deactivate_staff(session: Session, *, staff_id: int, by_staff_id: int | None = None) -> StaffAccount:
    """Deactivate an account and end its sessions; never the last active admin."""
    user = _get(session, staff_id)
    if by_staff_id == staff_id:
        raise OwnAccount()
    _refuse_removing_last_admin(session, user)
    user.is_active = False
    sessions.end_all_sessions(session, staff_id=user.id)
    session.flush()
    return _view(user)


def reactivate_staff(session: Session, *, staff_id: int) -> StaffAccount:
    """Let a deactivated account log in again."""
    user = _get(session, staff_id)
    user.is_active = True
    session.flush()
    return _view(user)


def set_role(
    session: Session, *, staff_id: int, role: str | StaffRole, by_staff_id: int | None = None
) -> StaffAccount:
    """Make an account an agent or an admin; never demote the last active admin."""
    user = _get(session, staff_id)
    new_role = _role(role)
    if new_role is StaffRole(user.role):
        return _view(user)
    if by_staff_id == staff_id:
        raise OwnAccount()
    _refuse_removing_last_admin(session, user)
    user.role = new_role
    session.flush()
    return _view(user)
