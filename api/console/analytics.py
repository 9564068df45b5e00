"""The analytics dashboard: /console/analytics (page with tables) and /api/console/analytics (JSON for charts)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from api.console.analytics_schemas import AnalyticsOut, PeriodOut
from api.console.templating import render
from api.deps import ConsoleSessionDep, SettingsDep, StaffUser, TrackerDep
from api.errors import error_responses
from bot.analytics import PRESET_DAYS, Dashboard, Period, build_dashboard, period_of_days
from bot.errors import InvalidPeriod

router = APIRouter()

DateParam = Annotated[str | None, Query(alias="from", description="First day, YYYY-MM-DD (default: 30 days ago)")]
ToParam = Annotated[str | None, Query(alias="to", description="Last day, YYYY-MM-DD (default: today)")]
DaysParam = Annotated[int | None, Query(ge=1, le=366, description="The last N days up to today (instead of from/to)")]


def _day(raw: str | None, name: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidPeriod(f"'{name}' is not a date (YYYY-MM-DD)") from exc


def _period(first: str | None, last: str | None, days: int | None, zone: str) -> Period:
    if days and not (first or last):
        return period_of_days(zone=zone, default_days=days)
    return period_of_days(first=_day(first, "from"), last=_day(last, "to"), zone=zone)


def _out(dashboard: Dashboard) -> AnalyticsOut:
    p = dashboard.period
    period = PeriodOut(first_day=p.first_day, last_day=p.last_day, start=p.start, end=p.end, timezone=p.zone)
    fields = {name: getattr(dashboard, name) for name in AnalyticsOut.model_fields if name != "period"}
    return AnalyticsOut.model_validate({"period": period, **fields}, from_attributes=True)


@router.get("/console/analytics", response_class=HTMLResponse, include_in_schema=False)
def analytics_page(
    request: Request, session: ConsoleSessionDep, staff: StaffUser, tracker: TrackerDep, settings: SettingsDep,
    first: DateParam = None, last: ToParam = None, days: DaysParam = None,
) -> HTMLResponse:
    error = None
    try:
        period = _period(first, last, days, settings.support_timezone)
    except InvalidPeriod as exc:
        error, period = str(exc), period_of_days(zone=settings.support_timezone)
    dashboard = build_dashboard(session, tracker, period=period)
    query = urlencode({"from": period.first_day.isoformat(), "to": period.last_day.isoformat()})
    return render(
        request, "console/analytics.html", status_code=400 if error else 200, staff=staff, active="analytics",
        d=dashboard, error=error, presets=PRESET_DAYS, days=days if not (first or last) else None,
        data_url=f"/api/console/analytics?{query}",
    )


@router.get("/api/console/analytics", response_model=AnalyticsOut, tags=["console"],
            responses=error_responses(401, 422),
            summary="Dashboard figures for a period (whole days in the support time zone)")
def analytics_data(
    session: ConsoleSessionDep, staff: StaffUser, tracker: TrackerDep, settings: SettingsDep,
    first: DateParam = None, last: ToParam = None, days: DaysParam = None,
) -> AnalyticsOut:
    try:
        period = _period(first, last, days, settings.support_timezone)
    except InvalidPeriod as exc:
        raise HTTPException(422, str(exc)) from exc
    return _out(build_dashboard(session, tracker, period=period))
