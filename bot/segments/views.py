"""Reads of the precomputed segments: one customer's (live handoff) and the overview (console)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import AggregateRefresh, CustomerSegment
from bot.segments.refresh import TREND_DAYS
from bot.segments.rfm import SEGMENTS
from bot.staff.clock import aware


@dataclass(frozen=True, slots=True)
class CustomerSegmentView:
    segment: str
    r_score: int
    f_score: int
    m_score: int
    recency_days: int
    frequency: int
    monetary: float


def customer_segment(session: Session, *, customer_id: int) -> CustomerSegmentView | None:
    """The customer's segment as of the last refresh, or None (no purchase, or not refreshed yet)."""
    row = session.get(CustomerSegment, (0, customer_id))
    if row is None:
        return None
    return CustomerSegmentView(segment=row.segment, r_score=row.r_score, f_score=row.f_score, m_score=row.m_score,
                               recency_days=row.recency_days, frequency=row.frequency, monetary=float(row.monetary))


@dataclass(frozen=True, slots=True)
class SegmentSummary:
    segment: str
    customers: int
    share: float
    revenue: float
    revenue_share: float
    mean_recency_days: float
    mean_frequency: float
    mean_monetary: float
    customers_30_days_ago: int
    customers_90_days_ago: int


@dataclass(frozen=True, slots=True)
class SegmentOverview:
    refreshed_at: datetime | None  # when the aggregates job last rebuilt the table
    customers: int
    revenue: float
    segments: tuple[SegmentSummary, ...]


def segment_overview(session: Session) -> SegmentOverview:
    """Size, value, mean R/F/M of every segment now, and its size 30 and 90 days ago."""
    rows = session.execute(
        select(CustomerSegment.days_ago, CustomerSegment.segment, func.count(), func.sum(CustomerSegment.monetary),
               func.avg(CustomerSegment.recency_days), func.avg(CustomerSegment.frequency))
        .group_by(CustomerSegment.days_ago, CustomerSegment.segment)
    ).all()
    by = {(r[0], r[1]): r for r in rows}
    now = [r for r in rows if r[0] == 0]
    total_n = sum(r[2] for r in now)
    total_rev = float(sum(r[3] or 0 for r in now))
    summaries = []
    for name in SEGMENTS:
        r = by.get((0, name))
        n, rev = (r[2], float(r[3] or 0)) if r else (0, 0.0)
        then = [by[(d, name)][2] if (d, name) in by else 0 for d in TREND_DAYS[1:]]
        if not n and not any(then):
            continue
        summaries.append(SegmentSummary(
            segment=name, customers=n, share=n / total_n if total_n else 0.0, revenue=rev,
            revenue_share=rev / total_rev if total_rev else 0.0,
            mean_recency_days=float(r[4]) if r else 0.0, mean_frequency=float(r[5]) if r else 0.0,
            mean_monetary=rev / n if n else 0.0, customers_30_days_ago=then[0], customers_90_days_ago=then[1],
        ))
    refresh = session.get(AggregateRefresh, "customer_segments")
    return SegmentOverview(refreshed_at=aware(refresh.refreshed_at) if refresh else None, customers=total_n,
                           revenue=total_rev, segments=tuple(summaries))
