"""Follow-up searches: "any in blue?", "under $60?", "size M" narrow the search just shown.

A follow-up names no product (no words, brand or category), only filters; it is
read as the previous search with those filters replaced. "Anything cheaper?" lowers
the price cap below the cheapest product shown. The previous search, with that
price, travels in a Rasa slot as plain JSON (``to_state`` / ``from_state``).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import Any

from bot.catalog.query import ProductQuery

_LISTS = ("categories", "brands", "colors", "sizes", "keywords", "absent")
_SORTS = {"relevance", "price", "rating"}


def to_state(query: ProductQuery, *, cheapest: Decimal | None = None) -> dict[str, Any]:
    """The search as JSON-safe data, for the conversation to remember, with the price of
    the cheapest product it showed (what "anything cheaper?" must undercut)."""
    state: dict[str, Any] = {name: list(getattr(query, name)) for name in _LISTS}
    state.update(text=query.text, sort=query.sort,
                 price_min=None if query.price_min is None else str(query.price_min),
                 price_max=None if query.price_max is None else str(query.price_max),
                 cheapest_shown=None if cheapest is None else str(cheapest))
    return state


def _price(raw: Any) -> Decimal | None:
    try:
        return None if raw is None else Decimal(str(raw))
    except InvalidOperation:
        return None


def from_state(state: Any) -> ProductQuery | None:
    """The search ``to_state`` stored, or None for anything else (an old or edited slot)."""
    if not isinstance(state, dict) or not isinstance(state.get("text"), str):
        return None
    lists = {name: tuple(str(v) for v in state.get(name) or () if isinstance(v, str)) for name in _LISTS}
    sort = state.get("sort") if state.get("sort") in _SORTS else "relevance"
    return ProductQuery(text=state["text"], sort=sort, price_min=_price(state.get("price_min")),
                        price_max=_price(state.get("price_max")), **lists)


def cheapest_shown(state: Any) -> Decimal | None:
    """The price of the cheapest product the search ``to_state`` stored showed, if known."""
    return _price(state.get("cheapest_shown")) if isinstance(state, dict) else None


def is_follow_up(query: ProductQuery) -> bool:
    """Only filters ("in blue", "size M", "under $60", "cheaper ones?"), no product named."""
    filters = query.colors or query.sizes or query.price_min is not None or query.price_max is not None
    return not query.names_product and bool(filters or query.sort != "relevance")


def _below(cheapest: Decimal, cap: Decimal | None) -> Decimal:
    """The whole amount just below ``cheapest`` ($69.99 -> $69, $70 -> $69), and never above ``cap``."""
    below = max(cheapest.to_integral_value(rounding=ROUND_CEILING) - 1, Decimal(0))
    return below if cap is None else min(below, cap)


def refine(previous: ProductQuery, follow_up: ProductQuery, *, cheapest: Decimal | None = None) -> ProductQuery:
    """``previous`` with the filters ``follow_up`` names put in place of its own.

    A price the follow-up states wins; "anything cheaper?" without one caps the price
    below ``cheapest``, the cheapest product the previous search showed, so the new list
    (and the cap its header states) is really cheaper than what the visitor saw.
    """
    priced = follow_up.price_min is not None or follow_up.price_max is not None
    price_min = follow_up.price_min if priced else previous.price_min
    price_max = follow_up.price_max if priced else previous.price_max
    if follow_up.cheaper and not priced and cheapest is not None:
        price_max = _below(cheapest, price_max)
        price_min = price_min if price_min is not None and price_min <= price_max else None
    return replace(
        previous,
        text=f"{previous.text.strip()}, {follow_up.text.strip()}",
        colors=follow_up.colors or previous.colors,
        sizes=follow_up.sizes or previous.sizes,
        price_min=price_min,
        price_max=price_max,
        sort=follow_up.sort if follow_up.sort != "relevance" else previous.sort,
        corrections=dict(follow_up.corrections),
    )
