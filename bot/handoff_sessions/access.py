"""Who may read a handoff's chat live, and how much of it.

The full chat (unmasked: email, order number, address...) and the verified order are for the
agent holding the conversation, while it is open. Anyone else in the console gets a masked
preview of an open request (enough to decide whether to take it, like the masked review pages);
a closed request is read in the conversation review pages only.
"""

from __future__ import annotations

from enum import StrEnum

from bot.handoff_sessions.claims import holder_name
from bot.handoff_sessions.views import LiveHandoff
from bot.models import HandoffStatus


class ChatAccess(StrEnum):
    FULL = "full"  # the holder: everything, unmasked
    PREVIEW = "preview"  # an open request someone else holds, or nobody yet: masked
    NONE = "none"  # closed or a message left: no live transcript


def chat_access(live: LiveHandoff, *, staff_name: str) -> ChatAccess:
    """How much of ``live``'s chat the staff member called ``staff_name`` may read live."""
    if live.status == HandoffStatus.TAKEN.value and live.taken_by == holder_name(staff_name):
        return ChatAccess.FULL
    return ChatAccess.PREVIEW if live.is_open else ChatAccess.NONE
