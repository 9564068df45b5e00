"""The analytics dashboard: every figure for one period, from the tracker store and the shop DB."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.analytics.conversations import (
    DayCount,
    IntentConfidence,
    IntentCount,
    count_conversations_among,
    period_figures,
)
from bot.analytics.demand import UnmetDemand, unmet_demand
from bot.analytics.handoffs import ReasonCount, handed_over_senders, handoff_reasons
from bot.analytics.period import Period
from bot.analytics.ratings import RatingSummary, rating_summary


@dataclass(frozen=True, slots=True)
class Containment:
    conversations: int
    handed_over: int  # conversations with a handoff request (queued or message left)
    contained: int  # resolved without a person
    rate: float | None  # contained / conversations; None without conversations


@dataclass(frozen=True, slots=True)
class FallbackRate:
    conversations: int  # conversations with at least one fallback
    conversation_rate: float | None
    messages: int  # visitor messages the NLU could not place
    visitor_messages: int
    message_rate: float | None


@dataclass(frozen=True, slots=True)
class Dashboard:
    period: Period
    conversations: int
    per_day: tuple[DayCount, ...]
    containment: Containment
    fallback: FallbackRate
    top_intents: tuple[IntentCount, ...]
    low_confidence: tuple[IntentConfidence, ...]
    handoff_reasons: tuple[ReasonCount, ...]
    ratings: RatingSummary
    unmet: UnmetDemand


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def build_dashboard(session: Session, tracker: Connection, *, period: Period) -> Dashboard:
    """Every dashboard figure for ``period``; ``tracker`` is a connection to the tracker store."""
    figures = period_figures(tracker, period=period)
    totals = figures.totals
    handed = count_conversations_among(tracker, period=period, sender_ids=handed_over_senders(session, period=period))
    return Dashboard(
        period=period,
        conversations=totals.conversations,
        per_day=tuple(figures.per_day),
        containment=Containment(
            conversations=totals.conversations, handed_over=handed, contained=totals.conversations - handed,
            rate=_rate(totals.conversations - handed, totals.conversations),
        ),
        fallback=FallbackRate(
            conversations=totals.fallback_conversations,
            conversation_rate=_rate(totals.fallback_conversations, totals.conversations),
            messages=totals.fallback_messages, visitor_messages=totals.visitor_messages,
            message_rate=_rate(totals.fallback_messages, totals.visitor_messages),
        ),
        top_intents=tuple(figures.top_intents),
        low_confidence=tuple(figures.low_confidence),
        handoff_reasons=tuple(handoff_reasons(session, period=period)),
        ratings=rating_summary(session, period=period),
        unmet=unmet_demand(session, period=period),
    )
