"""Analytics read model: conversation, handoff, rating and unmet-demand figures over a period."""

from bot.analytics.period import DEFAULT_DAYS, PRESET_DAYS, Period, period_between, period_of_days
from bot.analytics.report import Containment, Dashboard, FallbackRate, build_dashboard

__all__ = [
    "DEFAULT_DAYS",
    "PRESET_DAYS",
    "Containment",
    "Dashboard",
    "FallbackRate",
    "Period",
    "build_dashboard",
    "period_between",
    "period_of_days",
]
