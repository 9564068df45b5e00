"""Domain errors; adapters translate them into HTTP errors or bot responses."""


class DomainError(Exception):
    """Base class of errors the adapters know how to explain."""


class VerificationThrottled(DomainError):
    """Too many failed order verifications; further tries are refused for a while."""

    def __init__(self, retry_after_minutes: int) -> None:
        super().__init__(f"too many failed verifications; retry in {retry_after_minutes} min")
        self.retry_after_minutes = retry_after_minutes


class OrderNotFound(DomainError):
    """The order number and email do not match an order (deliberately vague)."""

    def __init__(self) -> None:
        super().__init__("no order matches that number and email")


class OrderNotCancellable(DomainError):
    """The order can no longer be cancelled; ``reason`` is "shipped" or "already_closed"."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"order cannot be cancelled: {reason}")
        self.reason = reason


class ReturnNotAllowed(DomainError):
    """A return cannot be recorded; ``reason`` is one of the codes in ``bot.returns``."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"return not allowed: {reason}")
        self.reason = reason


class ProductNotFound(DomainError):
    """No product has the given id."""

    def __init__(self, product_id: int) -> None:
        super().__init__(f"no product with id {product_id}")
        self.product_id = product_id


class InvalidEmail(DomainError):
    """The text given as a contact email is not an email address."""


class EmptyMessage(DomainError):
    """A message for the support team was empty."""


class InvalidRating(DomainError):
    """A conversation rating outside 1-5, or with too long a comment."""


class InvalidPeriod(DomainError):
    """A reporting period that ends before it starts, or spans too many days."""


class HandoffLimitReached(DomainError):
    """One source already has as many open requests for a person as it may (the queue is shared)."""
