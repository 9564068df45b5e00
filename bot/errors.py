"""Domain errors; adapters translate them into HTTP errors or bot responses."""


class DomainError(Exception):
    """Base class of errors the adapters know how to explain."""


class VerificationThrottled(DomainError):
    """Too many failed order verifications; further tries are refused for a while."""

    def __init__(self, retry_after_minutes: int) -> None:
        super().__init__(f"too many failed verifications; retry in {retry_after_minutes} min")
        self.retry_after_minutes = retry_after_minutes
