"""How an order moves through its statuses, with carriers and tracking numbers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from bot.models import OrderStatus

CARRIERS = ["UPS", "FedEx", "DHL", "USPS", "Royal Mail", "DPD"]

# Carriers that actually serve each destination, so a UK order never goes by USPS.
CARRIERS_BY_COUNTRY: dict[str, list[str]] = {
    "US": ["UPS", "FedEx", "USPS"],
    "CA": ["UPS", "FedEx", "DHL"],
    "GB": ["Royal Mail", "DPD", "DHL"],
    "AU": ["DHL", "FedEx", "UPS"],
}
_DEFAULT_CARRIERS = ["DHL", "DPD", "UPS"]

CANCEL_SHARE = 0.05
RETURN_SHARE = 0.08
LOST_SHARE = 0.03
LATE_SHARE = 0.15

_ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"

Event = tuple[OrderStatus, datetime, str]


@dataclass
class Lifecycle:
    """Final state and full status history of one order."""

    status: OrderStatus
    events: list[Event] = field(default_factory=list)
    carrier: str | None = None
    tracking_number: str | None = None
    estimated_delivery: date | None = None
    delivered_at: datetime | None = None


def pick_carrier(rng: random.Random, country: str) -> str:
    """A carrier that delivers to ``country``."""
    return rng.choice(CARRIERS_BY_COUNTRY.get(country, _DEFAULT_CARRIERS))


def tracking_number(rng: random.Random, carrier: str) -> str:
    """A tracking number in the carrier's usual format."""
    def digits(n: int) -> str:
        return f"{rng.randrange(10**n):0{n}d}"

    if carrier == "UPS":
        return "1Z" + "".join(rng.choice(_ALNUM) for _ in range(6)) + digits(10)
    if carrier == "FedEx":
        return digits(12)
    if carrier == "USPS":
        return "9400" + digits(18)
    if carrier == "Royal Mail":
        return rng.choice(_UPPER) + rng.choice(_UPPER) + digits(9) + "GB"
    if carrier == "DPD":
        return digits(14)
    return "JD" + digits(18)  # DHL


def simulate(
    rng: random.Random, placed_at: datetime, cutoff: datetime, country: str, express: bool
) -> Lifecycle:
    """Play an order forward from ``placed_at``; only steps before ``cutoff`` happen."""
    # Most cards clear in minutes; bank transfers and retries take a day or two.
    if rng.random() < 0.9:
        paid = _later(placed_at, minutes=rng.uniform(1, 20))
    else:
        paid = _later(placed_at, hours=rng.uniform(3, 50))
    packed = _later(paid, hours=rng.uniform(2, 16) if express else rng.uniform(5, 40))
    shipped = _later(packed, hours=rng.uniform(1, 8) if express else rng.uniform(3, 30))
    carrier = pick_carrier(rng, country)
    transit = rng.randint(2, 3) if express else rng.randint(3, 7)
    estimated = shipped.date() + timedelta(days=transit)
    delivered = _delivery_time(rng, shipped, estimated)
    returned = None
    if delivered is not None and rng.random() < RETURN_SHARE:
        returned = _later(delivered, days=rng.randint(4, 25), hours=rng.uniform(0, 8))
    steps: list[Event] = [
        (OrderStatus.PLACED, placed_at, "Order placed"),
        (OrderStatus.PAID, paid, "Payment received"),
        (OrderStatus.PACKED, packed, "Packed at our warehouse"),
        (OrderStatus.SHIPPED, shipped, f"Handed to {carrier}"),
    ]
    if delivered is not None:
        steps.append((OrderStatus.DELIVERED, delivered, "Delivered"))
    if returned is not None:
        steps.append((OrderStatus.RETURNED, returned, "Return received, refund issued"))
    cancel_at = None
    if rng.random() < CANCEL_SHARE:
        # Cancellation is only possible before the parcel leaves the warehouse.
        cancel_at = _later(placed_at, seconds=(shipped - placed_at).total_seconds()
                           * rng.uniform(0.05, 0.95))
    if cancel_at is not None and cancel_at < cutoff:
        events = [e for e in steps if e[1] < cancel_at]
        events.append((OrderStatus.CANCELLED, cancel_at, _cancel_note(rng, cancel_at < paid)))
        return Lifecycle(OrderStatus.CANCELLED, events)
    events = [e for e in steps if e[1] < cutoff]
    life = Lifecycle(events[-1][0], events)
    if shipped < cutoff:
        life.carrier = carrier
        life.tracking_number = tracking_number(rng, carrier)
        life.estimated_delivery = estimated
        if delivered is not None and delivered < cutoff:
            life.delivered_at = delivered
    return life


def _later(start: datetime, **delta: float) -> datetime:
    # Whole seconds, like timestamps an order system records.
    return (start + timedelta(**delta)).replace(microsecond=0)


def _delivery_time(rng: random.Random, shipped: datetime, estimated: date) -> datetime | None:
    roll = rng.random()
    if roll < LOST_SHARE:
        return None  # stuck with the carrier: stays "shipped" and becomes late
    if roll < LOST_SHARE + LATE_SHARE:
        day = estimated + timedelta(days=rng.randint(1, 4))
    else:
        day = estimated - timedelta(days=rng.randint(0, 1))
    day = max(day, shipped.date() + timedelta(days=1))
    return datetime.combine(day, time(rng.randint(8, 19), rng.randint(0, 59)), tzinfo=timezone.utc)


def _cancel_note(rng: random.Random, unpaid: bool) -> str:
    if unpaid and rng.random() < 0.6:
        return "Payment not received"
    if rng.random() < 0.85:
        return "Cancelled at customer's request"
    return "Item out of stock, refund issued"
