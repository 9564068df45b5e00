"""Errors of live handoff sessions; the console turns them into HTTP answers."""

from __future__ import annotations

from bot.errors import DomainError


class HandoffSessionError(DomainError):
    """Base class of refusals to take, answer or hand back a conversation."""


class HandoffNotFound(HandoffSessionError):
    def __init__(self, handoff_id: int) -> None:
        super().__init__(f"no handoff request {handoff_id}")
        self.handoff_id = handoff_id


class AlreadyTaken(HandoffSessionError):
    """Another agent (or the same one, a click earlier) took the conversation first."""

    def __init__(self, taken_by: str | None) -> None:
        super().__init__(f"already taken by {taken_by or 'another agent'}")
        self.taken_by = taken_by


class NotWaiting(HandoffSessionError):
    """The request left the queue (closed, or turned into a message left) before it was taken."""

    def __init__(self, status: str) -> None:
        super().__init__(f"this request is no longer waiting (it is {status.replace('_', ' ')})")
        self.status = status


class NotTaken(HandoffSessionError):
    """No agent holds the conversation, so there is nothing to answer in or hand back."""

    def __init__(self, status: str) -> None:
        super().__init__(f"no agent holds this conversation (the request is {status.replace('_', ' ')})")
        self.status = status


class NotHolder(HandoffSessionError):
    """Another agent holds the conversation."""

    def __init__(self, taken_by: str | None) -> None:
        super().__init__(f"{taken_by or 'another agent'} is handling this conversation")
        self.taken_by = taken_by
