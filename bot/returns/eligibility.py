"""Which items of an order can still be returned, and why not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.catalog.products import referenced_index
from bot.models import Order, OrderStatus, ReturnRequest, ReturnStatus
from bot.models.base import utcnow
from bot.returns.policy import as_utc, is_hygiene_item, return_deadline

# Order-level reasons: "not_delivered" (still on its way, or cancelled),
# "already_returned", "window_closed", "faulty_only" (every item left is a hygiene
# item), "nothing_returnable".
# Item-level reasons: "hygiene" (returnable only when faulty), "already_requested".
# The reasons that block every item of the order:
ORDER_BLOCKERS = frozenset({"not_delivered", "already_returned", "window_closed"})


@dataclass(frozen=True, slots=True)
class ReturnableItem:
    index: int  # 1-based, as listed to the visitor
    name: str
    size: str
    color: str
    quantity: int  # ordered
    returnable_quantity: int  # ordered minus already requested
    eligible: bool
    reason: str | None


@dataclass(frozen=True, slots=True)
class ReturnEligibility:
    order_number: str
    eligible: bool  # at least one item can be returned now
    reason: str | None
    return_by: date | None
    items: tuple[ReturnableItem, ...]


def requested_quantities(session: Session, *, order_id: int) -> dict[int, int]:
    """Quantity already asked back per order item id (rejected requests do not count)."""
    rows = session.execute(
        select(ReturnRequest.order_item_id, func.sum(ReturnRequest.quantity))
        .where(ReturnRequest.order_id == order_id, ReturnRequest.status != ReturnStatus.REJECTED)
        .group_by(ReturnRequest.order_item_id)
    )
    return {item_id: int(qty) for item_id, qty in rows}


def _order_reason(order: Order, now: datetime) -> tuple[str | None, date | None]:
    if order.status is OrderStatus.RETURNED:
        return "already_returned", None
    if order.status is not OrderStatus.DELIVERED or order.delivered_at is None:
        return "not_delivered", None
    deadline = return_deadline(order.delivered_at)
    return ("window_closed" if as_utc(now).date() > deadline else None), deadline


def return_eligibility(
    session: Session, *, order: Order, now: datetime | None = None
) -> ReturnEligibility:
    """What of ``order`` (already verified) may be returned at ``now``."""
    order_reason, deadline = _order_reason(order, now or utcnow())
    requested = requested_quantities(session, order_id=order.id)
    items: list[ReturnableItem] = []
    for index, item in enumerate(order.items, start=1):
        left = item.quantity - requested.get(item.id, 0)
        product = item.variant.product
        reason = order_reason or (
            "already_requested" if left <= 0 else "hygiene" if is_hygiene_item(product) else None
        )
        items.append(ReturnableItem(
            index=index, name=product.name, size=item.variant.size, color=item.variant.color,
            quantity=item.quantity, returnable_quantity=max(left, 0),
            eligible=reason is None, reason=reason,
        ))
    eligible = any(i.eligible for i in items)
    if order_reason is None and not eligible:
        hygiene = any(i.reason == "hygiene" for i in items)
        order_reason = "faulty_only" if hygiene else "nothing_returnable"
    return ReturnEligibility(
        order_number=order.number, eligible=eligible, reason=order_reason,
        return_by=deadline, items=tuple(items),
    )


def match_item(text: str | None, labels: list[str]) -> int | None:
    """Position in ``labels`` of the item a visitor picked: by number ("2", "the second
    one") or by name ("the running shoes"); None when unclear."""
    cleaned = (text or "").strip().lower()
    if not cleaned or not labels:
        return None
    number = re.fullmatch(r"(?:item\s*|#|no\.?\s*)?(\d{1,2})\.?", cleaned)
    index = int(number.group(1)) - 1 if number else referenced_index(cleaned)
    if index is not None:
        return index % len(labels) if -len(labels) <= index < len(labels) else None
    scores = sorted(((fuzz.WRatio(label.lower(), cleaned), n) for n, label in enumerate(labels)), reverse=True)
    best, position = scores[0]
    runner_up = scores[1][0] if len(scores) > 1 else 0
    # Two items of the same name (different sizes) are told apart by number instead.
    if best >= 75 and best - runner_up >= 10:
        return position
    return None
