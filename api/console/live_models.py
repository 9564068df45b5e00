"""JSON bodies of the live console, also handed to its templates so both show the same words."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.console.conversations import conversation_url
from api.console.templating import ago, local_time
from api.schemas import ChatMessageOut
from bot.formatting import day, money
from bot.handoff_sessions import ChatAccess, LiveHandoff, chat_access, LiveQueue, VerifiedOrder
from bot.transcripts.chat import ChatMessage
from bot.transcripts.masking import EMAIL_MASK, mask_text

STATUS_WORDS = {"waiting": "waiting for an agent", "taken": "with an agent", "closed": "closed",
                "message_left": "message left"}


def _segment_text(verified: VerifiedOrder) -> str | None:
    s = verified.segment
    if s is None:
        return None
    return (f"{s.segment} (R{s.r_score} F{s.f_score} M{s.m_score}: last purchase {s.recency_days} days ago, "
            f"{s.frequency} orders, {s.monetary:,.2f} in all)")


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
    segment: str | None = Field(None, description="The customer's RFM segment, e.g. 'Champions (R5 F5 M4)'.")

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
            segment=_segment_text(verified),
        )


class LiveHandoffOut(BaseModel):
    id: int
    visitor: str = Field(description="The conversation's console ref (never its session id).")
    access: str = Field(description="full (you hold the chat) | preview (open, masked) | none (closed: see review_url)")
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
    order_verified: bool = Field(description="The visitor proved an order theirs (details only with full access).")
    verified_order_number: str | None
    verified_order: VerifiedOrderOut | None
    url: str
    review_url: str = Field(description="The conversation's (masked for agents) review page.")

    @classmethod
    def of(cls, live: LiveHandoff, now: datetime | None = None, *, access: ChatAccess) -> LiveHandoffOut:
        """``live`` as ``access`` allows: personal data and the verified order only for the holder."""
        status_text = STATUS_WORDS.get(live.status, live.status)
        if live.status == "taken" and live.taken_by:
            status_text = f"with {live.taken_by}"
        full = access == ChatAccess.FULL
        return cls(
            id=live.id, visitor=live.visitor_label, access=access.value, status=live.status, status_text=status_text,
            state=handoff_state(live), reason=live.reason.replace("_", " "), asked_at=local_time(live.created_at),
            created_at=live.created_at, waiting_for=ago(live.created_at, now), taken_by=live.taken_by,
            contact_email=live.contact_email if full else (EMAIL_MASK if live.contact_email else None),
            message=live.message if full else mask_text(live.message),
            order_verified=live.verified_order_number is not None,
            verified_order_number=live.verified_order_number if full else None,
            verified_order=VerifiedOrderOut.of(live.verified_order) if full and live.verified_order else None,
            url=f"/console/live/{live.id}", review_url=conversation_url(live.ref),
        )


class LiveQueueOut(BaseModel):
    waiting: int
    taken: int
    entries: list[LiveHandoffOut]

    @classmethod
    def of(cls, queue: LiveQueue, *, staff_name: str) -> LiveQueueOut:
        entries = [LiveHandoffOut.of(e, access=chat_access(e, staff_name=staff_name)) for e in queue.entries]
        return cls(waiting=queue.waiting, taken=queue.taken, entries=entries)


class LiveMessagesOut(BaseModel):
    messages: list[ChatMessageOut]
    last_seq: int = Field(description="Pass as `after` to get only newer messages.")
    handoff: LiveHandoffOut
    waiting: int = Field(description="How many requests wait for an agent (the navigation's count).")


def handoff_state(live: LiveHandoff) -> str:
    """What the page's buttons depend on: the status and who holds the chat."""
    return f"{live.status}:{live.taken_by or ''}"


def message_out(message: ChatMessage, *, masked: bool = False) -> ChatMessageOut:
    """A transcript message as the console's JSON (the widget's shape); ``masked`` hides personal data."""
    buttons = [{k: mask_text(v) if isinstance(v, str) else v for k, v in b.items()} for b in message.buttons]
    return ChatMessageOut(
        seq=message.seq, sender=message.sender, text=mask_text(message.text) if masked else message.text,
        buttons=buttons if masked else list(message.buttons),
        cards=list(message.cards), image=message.image, timestamp=message.timestamp,
        client_id=message.client_id, agent_name=message.agent_name,
    )
