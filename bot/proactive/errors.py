"""Errors of the proactive-message services; the adapters turn each into an answer."""


class ProactiveError(Exception):
    """Base of the errors below."""


class NothingToWatch(ProactiveError):
    """The product does not exist, or what was asked for is in stock already."""


class EmailRequired(ProactiveError):
    """An email notification was asked for without an address."""


class TooManyConfirmations(ProactiveError):
    """Confirmation mails to this address, or from this conversation, are at their limit for the day."""


class OrderNotVerified(ProactiveError):
    """Order updates are only for an order proved in this conversation."""
