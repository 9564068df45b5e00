"""What may be returned: the window after delivery and the non-returnable class."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from bot.models import Product, ReturnReason
from bot.settings import get_settings

# Faulty or wrong goods are always taken back, hygiene items included.
FAULT_REASONS = frozenset({ReturnReason.DAMAGED, ReturnReason.NOT_AS_DESCRIBED})


def as_utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime (SQLite hands back naive UTC)."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def return_deadline(delivered_at: datetime) -> date:
    """Last day (UTC) a return may be requested: delivery day + ``return_window_days``."""
    return as_utc(delivered_at).date() + timedelta(days=get_settings().return_window_days)


def is_hygiene_item(product: Product) -> bool:
    """In-ear headphones (earbuds) are hygiene items: returnable only when faulty.

    Rule: category ``headphones`` and either "earbud" in the name or the
    ``form_factor`` attribute "in-ear".
    """
    if product.category.slug != "headphones":
        return False
    if "earbud" in product.name.lower():
        return True
    try:
        attributes = json.loads(product.attributes or "{}")
    except ValueError:
        return False
    return isinstance(attributes, dict) and attributes.get("form_factor") == "in-ear"
