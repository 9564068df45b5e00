"""Read models of live handoffs: a queue entry with the verified customer and order, if any."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.conversation_refs import remember_refs
from bot.models import OPEN_HANDOFF_STATUSES, HandoffReason, HandoffRequest, HandoffStatus, Order, OrderItem, ProductVariant
from bot.orders.status import OrderView, order_view
from bot.segments import CustomerSegmentView, customer_segment
from bot.staff.clock import aware


@dataclass(frozen=True, slots=True)
class VerifiedOrder:
    """The order the visitor proved theirs in the chat, and its customer."""

    order: OrderView
    customer_name: str
    customer_email: str  # the order's email, the one the visitor gave
    # The customer's RFM segment as of the last aggregates refresh (None: no purchase yet, or never refreshed).
    segment: CustomerSegmentView | None = None


@dataclass(frozen=True, slots=True)
class LiveHandoff:
    """One handoff request as the console shows it."""

    id: int
    sender_id: str  # the visitor's bearer secret: for Rasa and the hub, never for a page
    ref: str  # the console's name of the conversation (bot/conversation_refs.py)
    reason: str
    status: str
    contact_email: str | None
    message: str | None
    verified_order_number: str | None
    created_at: datetime
    taken_by: str | None
    closed_at: datetime | None
    verified_order: VerifiedOrder | None

    @property
    def is_open(self) -> bool:
        return self.status in {s.value for s in OPEN_HANDOFF_STATUSES}

    @property
    def visitor_label(self) -> str:
        """A short, stable name for the conversation: its ref (no part of the session id, which grants access)."""
        return self.ref


def verified_orders(
    session: Session, *, numbers: Iterable[str], today: date | None = None
) -> dict[str, VerifiedOrder]:
    """The orders with these numbers and their customers, by number (unknown numbers are left out)."""
    wanted = sorted({n for n in numbers if n})
    if not wanted:
        return {}
    rows = session.scalars(
        select(Order).where(Order.number.in_(wanted)).options(
            joinedload(Order.customer),
            selectinload(Order.items).selectinload(OrderItem.variant).selectinload(ProductVariant.product),
        )
    ).unique()
    return {
        order.number: VerifiedOrder(
            order=order_view(order, today=today),
            customer_name=f"{order.customer.first_name} {order.customer.last_name}".strip(),
            customer_email=order.email,
            segment=customer_segment(session, customer_id=order.customer_id),
        )
        for order in rows
    }


def live_view(request: HandoffRequest, verified: VerifiedOrder | None, ref: str) -> LiveHandoff:
    """The console's view of ``request``."""
    return LiveHandoff(
        id=request.id, sender_id=request.sender_id, ref=ref, reason=HandoffReason(request.reason).value,
        status=HandoffStatus(request.status).value, contact_email=request.contact_email,
        message=request.message, verified_order_number=request.verified_order_number,
        created_at=aware(request.created_at), taken_by=request.taken_by, closed_at=aware(request.closed_at),
        verified_order=verified,
    )


def live_views(session: Session, requests: list[HandoffRequest]) -> list[LiveHandoff]:
    """Views of ``requests``, their verified orders loaded in one go, their refs stored so links resolve."""
    orders = verified_orders(session, numbers=(r.verified_order_number for r in requests))
    refs = remember_refs(session, sender_ids=(r.sender_id for r in requests))
    return [live_view(r, orders.get(r.verified_order_number or ""), refs[r.sender_id]) for r in requests]
