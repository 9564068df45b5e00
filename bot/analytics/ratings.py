"""Rating figures from the shop DB: how visitors rated their conversations."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.analytics.period import Period
from bot.models import ConversationRating
from bot.models.ratings import RATING_MAX, RATING_MIN


@dataclass(frozen=True, slots=True)
class StarCount:
    stars: int
    ratings: int


@dataclass(frozen=True, slots=True)
class RatingSummary:
    count: int
    mean: float | None  # None without ratings
    distribution: tuple[StarCount, ...]  # 1 to 5 stars, zeros included


def rating_summary(session: Session, *, period: Period) -> RatingSummary:
    """Ratings first given in the period: how many of each star count, and their mean."""
    in_period = (ConversationRating.created_at >= period.start, ConversationRating.created_at < period.end)
    counts = dict(session.execute(
        select(ConversationRating.rating, func.count(ConversationRating.id)).where(*in_period)
        .group_by(ConversationRating.rating)
    ).all())
    count, mean = session.execute(
        select(func.count(ConversationRating.id), func.avg(ConversationRating.rating)).where(*in_period)
    ).one()
    return RatingSummary(
        count=count, mean=float(mean) if mean is not None else None,
        distribution=tuple(StarCount(stars=s, ratings=counts.get(s, 0)) for s in range(RATING_MIN, RATING_MAX + 1)),
    )
