"""Customer segments (RFM), rebuilt by ``bot.aggregates`` on a schedule with the other aggregates."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base


class CustomerSegment(Base):
    """A customer's RFM scores and segment as of ``days_ago`` days before the last refresh.

    ``days_ago`` 0 is today's segment (the live handoff reads it); 30 and 90 are the
    segments as they were then, recomputed from the order history, for the console's trend.
    No foreign key to customers: the rows are a rebuilt copy, replaced whole.
    """

    __tablename__ = "customer_segments"
    __table_args__ = (Index("ix_customer_segments_days_ago_segment", "days_ago", "segment"),)

    days_ago: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(primary_key=True)
    segment: Mapped[str] = mapped_column(String(40))
    r_score: Mapped[int]
    f_score: Mapped[int]
    m_score: Mapped[int]
    recency_days: Mapped[int]
    frequency: Mapped[int]
    monetary: Mapped[Decimal] = mapped_column(Numeric(12, 2))
