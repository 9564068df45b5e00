"""Errors of the review tools; the console turns them into messages."""

from __future__ import annotations

from bot.errors import DomainError


class ReviewError(DomainError):
    """Base class of review errors."""


class InvalidReviewInput(ReviewError):
    """A tag, note or relabelling is unusable; the message says why."""


class ConversationNotFound(ReviewError):
    def __init__(self, sender_id: str) -> None:
        super().__init__("no such conversation")
        self.sender_id = sender_id


class MessageNotFound(ReviewError):
    def __init__(self, event_id: int) -> None:
        super().__init__("no such visitor message in this conversation")
        self.event_id = event_id
