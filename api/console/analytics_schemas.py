"""Response bodies of the analytics JSON route (/api/console/analytics)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PeriodOut(BaseModel):
    first_day: date = Field(serialization_alias="from", description="First local day of the period.")
    last_day: date = Field(serialization_alias="to", description="Last local day of the period (inclusive).")
    start: datetime
    end: datetime = Field(description="Exclusive end of the period.")
    timezone: str = Field(description="The support time zone days are counted in.")


class DayOut(_Out):
    day: date
    conversations: int


class ContainmentOut(_Out):
    conversations: int
    handed_over: int
    contained: int
    rate: float | None = Field(description="contained / conversations; null without conversations.")


class FallbackOut(_Out):
    conversations: int = Field(description="Conversations with an nlu_fallback message or a 'did you mean' answer.")
    conversation_rate: float | None
    messages: int = Field(description="Visitor messages read as nlu_fallback.")
    visitor_messages: int
    message_rate: float | None


class IntentCountOut(_Out):
    intent: str
    messages: int


class IntentConfidenceOut(_Out):
    intent: str
    messages: int
    mean_confidence: float


class ReasonOut(_Out):
    reason: str
    requests: int


class StarOut(_Out):
    stars: int
    ratings: int


class RatingsOut(_Out):
    count: int
    mean: float | None
    distribution: list[StarOut]


class UnmetQueryOut(_Out):
    query: str
    searches: int
    no_results: int
    out_of_stock: int
    example: str
    last_searched_at: datetime


class UnmetOut(_Out):
    searches: int
    no_results: int
    out_of_stock: int
    top: list[UnmetQueryOut]


class AnalyticsOut(_Out):
    period: PeriodOut
    conversations: int
    per_day: list[DayOut]
    containment: ContainmentOut
    fallback: FallbackOut
    top_intents: list[IntentCountOut]
    low_confidence: list[IntentConfidenceOut]
    handoff_reasons: list[ReasonOut]
    ratings: RatingsOut
    unmet: UnmetOut
