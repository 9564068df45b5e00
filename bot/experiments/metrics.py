"""Primary metrics of an experiment, each a proportion computed from data the shop already keeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from bot.models import CardClick, ConversationRating, Experiment, ExperimentExposure, HandoffRequest, Order
from bot.staff.clock import aware

CONTAINED = "contained"
CSAT = "csat"
ORDER = "order"
CARD_CLICK = "card_click"
CSAT_SATISFIED = 4  # the usual CSAT: the share of 4 and 5 stars
# A click counts for the text when it follows within this time in the same conversation: long
# enough for a visitor to read the answer and open a card, short enough that a return visit days
# later (the widget keeps its conversation) is not put down to the text.
CLICK_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Metric:
    code: str
    label: str
    counts: str  # which conversations the rate is over


METRICS = {
    CONTAINED: Metric(CONTAINED, "Contained without handoff",
                      "exposed conversations with no request for a person after the text was shown"),
    CSAT: Metric(CSAT, "CSAT (4 or 5 stars)",
                 "exposed conversations rated after the text was shown; success is 4 or 5 stars"),
    ORDER: Metric(ORDER, "Order placed within N days",
                  "exposed conversations of a verified customer whose N days have passed; "
                  "success is an order by that customer within N days of the text"),
    CARD_CLICK: Metric(CARD_CLICK, "Product card clicked",
                       "exposed conversations; success is a click on a product card shown in the widget, "
                       "in the same conversation, within 24 hours after the text"),
}


@dataclass(frozen=True, slots=True)
class ArmCounts:
    position: int
    exposed: int  # conversations shown this arm's text
    n: int  # of those, the ones the metric counts
    successes: int


def _tally(positions: int, rows: list[tuple[int, bool | None]], exposed: dict[int, int]) -> list[ArmCounts]:
    n = [0] * positions
    wins = [0] * positions
    for position, success in rows:
        if success is None or not 0 <= position < positions:
            continue
        n[position] += 1
        wins[position] += int(success)
    return [ArmCounts(p, exposed.get(p, 0), n[p], wins[p]) for p in range(positions)]


def _exposed(session: Session, experiment_id: int, until: datetime) -> dict[int, int]:
    rows = session.execute(
        select(ExperimentExposure.position, func.count())
        .where(ExperimentExposure.experiment_id == experiment_id, ExperimentExposure.exposed_at <= until)
        .group_by(ExperimentExposure.position)
    )
    return {position: count for position, count in rows}


def _contained(session: Session, experiment_id: int, until: datetime) -> list[tuple[int, bool | None]]:
    handed_off = exists().where(
        HandoffRequest.sender_id == ExperimentExposure.sender_id,
        HandoffRequest.created_at >= ExperimentExposure.exposed_at,
        HandoffRequest.created_at <= until,
    )
    rows = session.execute(
        select(ExperimentExposure.position, handed_off)
        .where(ExperimentExposure.experiment_id == experiment_id, ExperimentExposure.exposed_at <= until)
    )
    return [(position, not handoff) for position, handoff in rows]


def _csat(session: Session, experiment_id: int, until: datetime) -> list[tuple[int, bool | None]]:
    rows = session.execute(
        select(ExperimentExposure.position, ConversationRating.rating)
        .join(ConversationRating, and_(ConversationRating.sender_id == ExperimentExposure.sender_id,
                                       ConversationRating.updated_at >= ExperimentExposure.exposed_at,
                                       ConversationRating.updated_at <= until))
        .where(ExperimentExposure.experiment_id == experiment_id, ExperimentExposure.exposed_at <= until)
    )
    return [(position, rating >= CSAT_SATISFIED) for position, rating in rows]


def _ordered(session: Session, experiment_id: int, until: datetime, days: int) -> list[tuple[int, bool | None]]:
    # An exposure counts once its whole window has passed, so young exposures do not read as "no order".
    window = timedelta(days=days)
    first_order = (
        select(func.min(Order.placed_at))
        .where(Order.customer_id == ExperimentExposure.customer_id, Order.placed_at > ExperimentExposure.exposed_at)
        .correlate(ExperimentExposure).scalar_subquery()
    )
    rows = session.execute(
        select(ExperimentExposure.position, ExperimentExposure.exposed_at, first_order)
        .where(ExperimentExposure.experiment_id == experiment_id, ExperimentExposure.customer_id.is_not(None),
               ExperimentExposure.exposed_at <= until - window)
    )
    result: list[tuple[int, bool | None]] = []
    for position, exposed_at, placed_at in rows:
        ordered = placed_at is not None and aware(placed_at) <= aware(exposed_at) + window
        result.append((position, ordered))
    return result


def _clicked(session: Session, experiment_id: int, until: datetime) -> list[tuple[int, bool | None]]:
    # Every exposure counts at once, as for "contained": a click comes minutes after the text, if at all.
    first_click = (
        select(func.min(CardClick.clicked_at))
        .where(CardClick.sender_id == ExperimentExposure.sender_id,
               CardClick.clicked_at >= ExperimentExposure.exposed_at, CardClick.clicked_at <= until)
        .correlate(ExperimentExposure).scalar_subquery()
    )
    rows = session.execute(
        select(ExperimentExposure.position, ExperimentExposure.exposed_at, first_click)
        .where(ExperimentExposure.experiment_id == experiment_id, ExperimentExposure.exposed_at <= until)
    )
    return [(position, clicked_at is not None and aware(clicked_at) <= aware(exposed_at) + CLICK_WINDOW)
            for position, exposed_at, clicked_at in rows]


def arm_counts(session: Session, *, experiment: Experiment, until: datetime) -> list[ArmCounts]:
    """Exposed conversations, counted ones and successes per arm, from data up to ``until``."""
    positions = len(experiment.arms)
    if experiment.metric == CONTAINED:
        rows = _contained(session, experiment.id, until)
    elif experiment.metric == CSAT:
        rows = _csat(session, experiment.id, until)
    elif experiment.metric == ORDER:
        rows = _ordered(session, experiment.id, until, experiment.metric_days)
    elif experiment.metric == CARD_CLICK:
        rows = _clicked(session, experiment.id, until)
    else:
        raise ValueError(f"unknown metric {experiment.metric!r}")
    return _tally(positions, rows, _exposed(session, experiment.id, until))
