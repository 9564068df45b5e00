"""Unmet demand: product searches that found nothing, or nothing in stock, recorded for the shop."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.catalog.products import ProductDetails, availability
from bot.catalog.query import ProductQuery
from bot.catalog.search import SearchResult
from bot.models import UnmetKind, UnmetSearch
from bot.staff.clock import aware

_TEXT_CHARS = 300
_NON_WORD = re.compile(r"[^\w$€£.\- ]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class UnmetSearchView:
    id: int
    query_text: str
    normalized_query: str
    filters: dict[str, Any]
    kind: str
    sender_id: str | None
    created_at: datetime


def search_unmet_kind(result: SearchResult) -> UnmetKind | None:
    """Did a search leave the visitor without what they asked for, and how?"""
    if result.query.is_empty:
        return None  # not a product search at all
    if not result.hits or result.relaxed:
        return UnmetKind.NO_RESULTS  # nothing matched as asked; nearest matches do not count
    if not any(hit.in_stock for hit in result.hits):
        return UnmetKind.OUT_OF_STOCK
    return None


def availability_unmet_kind(details: ProductDetails, query: ProductQuery) -> UnmetKind | None:
    """Did a stock question about one product find it sold out (or not made as asked)?"""
    if not (query.colors or query.sizes):
        return None if details.hit.in_stock else UnmetKind.OUT_OF_STOCK
    found = availability(details, colors=query.colors, sizes=query.sizes)
    if found.available:
        return None
    return UnmetKind.OUT_OF_STOCK if found.matched else UnmetKind.NO_RESULTS


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def query_filters(query: ProductQuery | None) -> dict[str, Any]:
    """The parsed query as JSON-friendly filters (empty ones left out)."""
    if query is None:
        return {}
    filters: dict[str, Any] = {
        "categories": list(query.categories), "brands": list(query.brands), "colors": list(query.colors),
        "sizes": list(query.sizes), "keywords": list(query.keywords),
        "price_min": _number(query.price_min), "price_max": _number(query.price_max),
    }
    return {k: v for k, v in filters.items() if v not in (None, [])}


def tidy_text(text: str) -> str:
    """Lower-cased text without punctuation runs or extra spaces."""
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text.lower())).strip()


def normalise_query(*, text: str, query: ProductQuery | None = None, product_name: str | None = None) -> str:
    """The grouping key of a search: what was asked for in catalog terms, else the tidied text."""
    words: list[str] = [tidy_text(product_name)] if product_name else []
    if query is not None:
        for values in (query.colors, query.brands, query.categories, query.keywords):
            words += sorted(dict.fromkeys(v.lower() for v in values))
        if query.sizes:
            words.append("size " + "/".join(sorted(s.upper() for s in query.sizes)))
        low, high = _number(query.price_min), _number(query.price_max)
        if low is not None and high is not None:
            words.append(f"{low}-{high}")
        elif high is not None:
            words.append(f"under {high}")
        elif low is not None:
            words.append(f"over {low}")
    key = " ".join(w for w in words if w)
    return (key or tidy_text(text) or "(empty)")[:_TEXT_CHARS]


def record_unmet_search(
    session: Session, *, text: str, kind: UnmetKind | str, query: ProductQuery | None = None,
    sender_id: str | None = None, product_name: str | None = None,
) -> UnmetSearchView:
    """Record a search the catalog could not satisfy (flushed; the caller commits)."""
    filters = query_filters(query)
    if product_name:
        filters["product"] = product_name
    row = UnmetSearch(
        query_text=text.strip()[:_TEXT_CHARS] or "(empty)",
        normalized_query=normalise_query(text=text, query=query, product_name=product_name),
        filters=filters, kind=UnmetKind(kind), sender_id=sender_id,
    )
    session.add(row)
    session.flush()
    return UnmetSearchView(
        id=row.id, query_text=row.query_text, normalized_query=row.normalized_query, filters=dict(row.filters),
        kind=UnmetKind(row.kind).value, sender_id=row.sender_id, created_at=aware(row.created_at),
    )
