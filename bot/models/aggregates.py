"""Materialised aggregates of the order history, rebuilt by ``bot.aggregates`` on a schedule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base

# ``BestSeller.category_id`` of the whole shop's list.
ALL_CATEGORIES = 0


class BestSeller(Base):
    """One place of a best-seller list: units sold in the window's days before the refresh."""

    __tablename__ = "best_sellers"

    window_days: Mapped[int] = mapped_column(primary_key=True)
    # A category's own list, or ``ALL_CATEGORIES``; no foreign key, as 0 names no row.
    category_id: Mapped[int] = mapped_column(primary_key=True)
    rank: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int]
    units: Mapped[int]


class CatalogGroup(Base):
    """Products per category and brand: the groups personal picks are drawn from."""

    __tablename__ = "catalog_groups"

    category_id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(primary_key=True)
    products: Mapped[int]


class AggregateRefresh(Base):
    """When each aggregate was last rebuilt, and how long that took."""

    __tablename__ = "aggregate_refreshes"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seconds: Mapped[float] = mapped_column(Float)
