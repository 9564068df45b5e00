"""JSON bodies of the live console, also handed to its templates so both show the same words."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.console.templating import ago, local_time
from api.schemas import ChatMessageOut
from bot.formatting import day, money
from bot.handoff_sessions import LiveHandoff, LiveQueue, VerifiedOrder
from bot.transcripts.chat import ChatMessage

STATUS_WORDS = {"waiting": "waiting for an agent", "taken": "with an agent", "closed": "closed",
                "message_left": "message left"}


class VerifiedOrderOut(BaseModel):
    number: str
    status: str
    placed: str
    total: str
    items: list[str]
    carrier: str | None
    tracking_number: str | None
    estimated_delivery: str | None
    late: bool
    customer_name: str
    customer_email: str

    @classmethod
    def of(cls, verified: VerifiedOrder) -> VerifiedOrderOut:
        order = verified.order
        return cls(
            number=order.number, status=order.status, placed=local_time(order.placed_at),
            total=money(order.total, order.currency),
            items=[f"{i.quantity} × {i.name} ({i.size}, {i.color})" for i in order.items],
            carrier=order.carrier, tracking_number=order.tracking_number,
            estimated_delivery=day(order.estimated_delivery) if order.estimated_delivery else None,
            late=order.is_late, customer_name=verified.customer_name, customer_email=verified.customer_email,
        )


class LiveHandoffOut(BaseModel):
    id: int
    visitor: str = Field(description="A short label of the conversation (the start of its id).")
    status: str = Field(description="waiting | taken | closed | message_left")
    status_text: str
    state: str = Field(description="Changes whenever status or holder change; pass back to the long poll.")
    reason: str
    asked_at: str
    created_at: datetime
    waiting_for: str
    taken_by: str | None
    contact_email: str | None
    message: str | None
    verified_order_number: str | None
    verified_order: VerifiedOrderOut | None
    url: str

    @classmethod
    def of(cls, live: LiveHandoff, now: datetime | None = None) -> LiveHandoffOut:
        status_text = STATUS_WORDS.get(live.status, live.status)
        if live.status == "taken" and live.taken_by:
            status_text = f"with {live.taken_by}"
        return cls(
            id=live.id, visitor=live.visitor_label, status=live.status, status_text=status_text,
            state=handoff_state(live), reason=live.reason.replace("_", " "), asked_at=local_time(live.created_at),
            created_at=live.created_at, waiting_for=ago(live.created_at, now), taken_by=live.taken_by,
            contact_email=live.contact_email, message=live.message,
            verified_order_number=live.verified_order_number,
            verified_order=VerifiedOrderOut.of(live.verified_order) if live.verified_order else None,
            url=f"/console/live/{live.id}",
        )


class LiveQueueOut(BaseModel):
    waiting: int
    taken: int
    entries: list[LiveHandoffOut]

    @classmethod
    def of(cls, queue: LiveQueue) -> LiveQueueOut:
        return cls(waiting=queue.waiting, taken=queue.taken, entries=[LiveHandoffOut.of(e) for e in queue.entries])


class LiveMessagesOut(BaseModel):
    messages: list[ChatMessageOut]
    last_seq: int = Field(description="Pass as `after` to get only newer messages.")
    handoff: LiveHandoffOut
    waiting: int = Field(description="How many requests wait for an agent (the navigation's count).")


def handoff_state(live: LiveHandoff) -> str:
    """What the page's buttons depend on: the status and who holds the chat."""
    return f"{live.status}:{live.taken_by or ''}"


def message_out(message: ChatMessage) -> ChatMessageOut:
    """A transcript message as the console's JSON (the widget's shape)."""
    return ChatMessageOut(
        seq=message.seq, sender=message.sender, text=message.text, buttons=list(message.buttons),
        cards=list(message.cards), image=message.image, timestamp=message.timestamp,
        client_id=message.client_id, agent_name=message.agent_name,
    )
