"""What the visitor reads when an agent joins or leaves their chat."""

from __future__ import annotations

AGENT_NAME_MAX_CHARS = 80


def display_name(staff_name: str) -> str:
    """The name a visitor sees for an agent: the first word of the staff name ("Anna Berg" -> "Anna")."""
    words = staff_name.split()
    return (words[0] if words else "Our agent")[:AGENT_NAME_MAX_CHARS]


def joined_note(agent_name: str) -> str:
    """System note shown when an agent takes the conversation."""
    return f"{agent_name} from our support team joined the chat."


def left_note(agent_name: str) -> str:
    """System note shown when the agent hands the conversation back to the bot."""
    return f"{agent_name} left the chat. The assistant is back — ask me anything."


CLOSED_NOTE = (
    "Our support team could not join this chat. The assistant is still here — ask me anything, "
    "or ask for a person again later."
)
