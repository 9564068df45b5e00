"""Errors of staff accounts; the console and the CLI turn them into messages."""

from __future__ import annotations

from bot.errors import DomainError


class StaffError(DomainError):
    """Base class of staff account errors."""


class InvalidCredentials(StaffError):
    """Unknown email or wrong password; deliberately does not say which."""

    def __init__(self) -> None:
        super().__init__("email or password is wrong")


class WrongPassword(StaffError):
    """A logged-in staff member's current password, asked again before changing it, is wrong."""

    def __init__(self) -> None:
        super().__init__("the current password is wrong")


class InactiveAccount(StaffError):
    """The password was right but the account is deactivated."""

    def __init__(self) -> None:
        super().__init__("this account is deactivated")


class EmailTaken(StaffError):
    """Another staff account already uses this email address."""

    def __init__(self, email: str) -> None:
        super().__init__(f"a staff account with the email {email} already exists")
        self.email = email


class InvalidStaffInput(StaffError):
    """A field of a new account is unusable; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class PasswordTooShort(InvalidStaffInput):
    def __init__(self, minimum: int) -> None:
        super().__init__("password", f"the password must have at least {minimum} characters")
        self.minimum = minimum


class StaffNotFound(StaffError):
    def __init__(self, what: str) -> None:
        super().__init__(f"no staff account {what}")


class LastAdmin(StaffError):
    """The change would leave no active admin to manage the console."""

    def __init__(self) -> None:
        super().__init__("this is the last active admin; make another admin first")


class OwnAccount(StaffError):
    """Admins may not deactivate or demote themselves from the console (no lock-outs by a slip)."""

    def __init__(self) -> None:
        super().__init__("you cannot deactivate or demote your own account")
