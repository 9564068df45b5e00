"""Recording a return request after re-checking ownership and eligibility."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import OrderNotFound, ReturnNotAllowed
from bot.models import Order, ReturnReason, ReturnRequest, ReturnStatus
from bot.models.base import utcnow
from bot.orders.verification import verify_order
from bot.returns.eligibility import ORDER_BLOCKERS, return_eligibility
from bot.returns.policy import FAULT_REASONS, as_utc
from bot.returns.reasons import parse_reason

# No 0/O, 1/I: references are read out over the phone. 32^6 ≈ 10^9 values.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_REFERENCE_LENGTH = 6
_REASON_TEXT_MAX = 500


@dataclass(frozen=True, slots=True)
class ReturnView:
    reference: str
    order_number: str
    item_index: int
    name: str
    size: str
    color: str
    quantity: int
    reason: str
    status: str
    created_at: datetime


def new_reference(session: Session) -> str:
    """A fresh, unguessable "RMA-XXXXXX" reference not used yet."""
    while True:
        reference = "RMA-" + "".join(secrets.choice(_ALPHABET) for _ in range(_REFERENCE_LENGTH))
        taken = session.scalar(select(ReturnRequest.id).where(ReturnRequest.reference == reference))
        if taken is None:
            return reference


def create_return(
    session: Session, *, order_number: str, email: str, sender_id: str, item_index: int,
    reason: str, quantity: int | None = None,
) -> ReturnView:
    """Record a return of item ``item_index`` (1-based) of a verified order; never commits.

    ``quantity`` defaults to all that is left of the item. The order keeps its
    status; the ``ReturnRequest`` row is the record.
    """
    order = verify_order(session, number=order_number, email=email, sender_id=sender_id)
    if order is None:
        raise OrderNotFound()
    # Serialise concurrent requests for the same order on PostgreSQL (SQLite ignores FOR UPDATE).
    session.execute(select(Order.id).where(Order.id == order.id).with_for_update())
    eligibility = return_eligibility(session, order=order)
    if eligibility.reason in ORDER_BLOCKERS:
        raise ReturnNotAllowed(eligibility.reason)
    if not 1 <= item_index <= len(eligibility.items):
        raise ReturnNotAllowed("no_such_item")
    item = eligibility.items[item_index - 1]
    code = parse_reason(reason)
    if not item.eligible and not (item.reason == "hygiene" and code in FAULT_REASONS):
        raise ReturnNotAllowed(item.reason or "not_returnable")
    quantity = item.returnable_quantity if quantity is None else quantity
    if not 1 <= quantity <= item.returnable_quantity:
        raise ReturnNotAllowed("quantity")
    request = ReturnRequest(
        reference=new_reference(session), order_id=order.id,
        order_item_id=order.items[item_index - 1].id, quantity=quantity, reason=code,
        reason_text=" ".join(reason.split())[:_REASON_TEXT_MAX], status=ReturnStatus.REQUESTED,
        sender_id=sender_id[:128], created_at=utcnow(),
    )
    session.add(request)
    session.flush()
    return ReturnView(
        reference=request.reference, order_number=order.number, item_index=item_index,
        name=item.name, size=item.size, color=item.color, quantity=quantity,
        reason=ReturnReason(request.reason).value, status=request.status.value,
        created_at=as_utc(request.created_at),
    )
