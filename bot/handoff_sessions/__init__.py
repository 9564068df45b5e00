"""Live handoff sessions: the queue agents work from, taking a chat, answering, handing it back."""

from bot.handoff_sessions.access import ChatAccess, chat_access
from bot.handoff_sessions.claims import (
    close_waiting,
    ensure_holder,
    hand_back,
    holder_name,
    release_take,
    take_handoff,
    undo_hand_back,
)
from bot.handoff_sessions.errors import (
    AlreadyTaken,
    HandoffNotFound,
    HandoffSessionError,
    NotHolder,
    NotTaken,
    NotWaiting,
)
from bot.handoff_sessions.notes import CLOSED_NOTE, display_name, joined_note, left_note
from bot.handoff_sessions.queue import LiveQueue, get_live_handoff, is_held_by_agent, live_queue, waiting_count
from bot.handoff_sessions.views import LiveHandoff, VerifiedOrder

__all__ = [
    "CLOSED_NOTE",
    "AlreadyTaken",
    "ChatAccess",
    "HandoffNotFound",
    "HandoffSessionError",
    "LiveHandoff",
    "LiveQueue",
    "NotHolder",
    "NotTaken",
    "NotWaiting",
    "VerifiedOrder",
    "chat_access",
    "close_waiting",
    "display_name",
    "ensure_holder",
    "get_live_handoff",
    "hand_back",
    "holder_name",
    "is_held_by_agent",
    "joined_note",
    "left_note",
    "live_queue",
    "release_take",
    "take_handoff",
    "undo_hand_back",
    "waiting_count",
]
