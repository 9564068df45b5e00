"""The quick replies a conversation was offered: the only ``/intent`` payloads a visitor may send."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from bot.transcripts.store import latest_events

# Buttons of older messages than this are not honoured any more (a widget shows a
# conversation's recent buttons; a payload from far back is typed, not clicked).
RECENT_BOT_MESSAGES = 50


def offered_payloads(conn: Connection, *, sender_id: str) -> frozenset[str]:
    """Payloads of the buttons in the conversation's recent bot messages."""
    offered: set[str] = set()
    for event in latest_events(conn, sender_id=sender_id, types=("bot",), limit=RECENT_BOT_MESSAGES):
        data = event.data.get("data")
        buttons = data.get("buttons") if isinstance(data, dict) else None
        for button in buttons if isinstance(buttons, list) else ():
            if isinstance(button, dict) and isinstance(button.get("payload"), str):
                offered.add(button["payload"])
    return frozenset(offered)
