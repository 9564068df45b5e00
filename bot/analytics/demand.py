"""Unmet demand from the shop DB: what visitors searched for and did not find (in stock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.analytics.period import Period
from bot.models import UnmetKind, UnmetSearch
from bot.staff.clock import aware

TOP_UNMET = 20


@dataclass(frozen=True, slots=True)
class UnmetQuery:
    query: str  # the normalised query searches are grouped by
    searches: int
    no_results: int
    out_of_stock: int
    example: str  # one of the texts visitors typed
    last_searched_at: datetime


@dataclass(frozen=True, slots=True)
class UnmetDemand:
    searches: int
    no_results: int
    out_of_stock: int
    top: tuple[UnmetQuery, ...]  # most searched first


def _count_of(kind: UnmetKind):
    return func.coalesce(func.sum(case((UnmetSearch.kind == kind, 1), else_=0)), 0)


def unmet_demand(session: Session, *, period: Period, limit: int = TOP_UNMET) -> UnmetDemand:
    """Searches in the period that found nothing or nothing in stock, grouped by normalised query."""
    in_period = (UnmetSearch.created_at >= period.start, UnmetSearch.created_at < period.end)
    no_results, out_of_stock = _count_of(UnmetKind.NO_RESULTS), _count_of(UnmetKind.OUT_OF_STOCK)
    total, missing, sold_out = session.execute(
        select(func.count(UnmetSearch.id), no_results, out_of_stock).where(*in_period)
    ).one()
    searches = func.count(UnmetSearch.id).label("searches")
    rows = session.execute(
        select(UnmetSearch.normalized_query, searches, no_results.label("no_results"),
               out_of_stock.label("out_of_stock"), func.min(UnmetSearch.query_text).label("example"),
               func.max(UnmetSearch.created_at).label("last"))
        .where(*in_period).group_by(UnmetSearch.normalized_query)
        .order_by(searches.desc(), func.max(UnmetSearch.created_at).desc(), UnmetSearch.normalized_query)
        .limit(limit)
    )
    top = tuple(
        UnmetQuery(query=r.normalized_query, searches=r.searches, no_results=int(r.no_results),
                   out_of_stock=int(r.out_of_stock), example=r.example, last_searched_at=aware(r.last))
        for r in rows
    )
    return UnmetDemand(searches=total, no_results=int(missing), out_of_stock=int(sold_out), top=top)
