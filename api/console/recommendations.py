"""The recommendations page of the console: the model's state, its offline figures, one customer's picks,
and the clicks on the widget's product cards."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.console.templating import render
from api.deps import ConsoleSessionDep, SettingsDep, StaffUser
from bot.analytics import period_of_days
from bot.card_clicks import clicks_per_day
from bot.recs.serving import compare_for_customer, evaluation_figures, model_status

router = APIRouter(include_in_schema=False)

CLICK_DAYS = 14
EMAIL_MAX = 254
# No max_length here: FastAPI would answer a too-long email with the API's JSON error, not with this page.
EmailParam = Annotated[str | None, Query(description="A customer's email")]


@router.get("/console/recommendations", response_class=HTMLResponse)
def recommendations_page(
    request: Request, session: ConsoleSessionDep, staff: StaffUser, settings: SettingsDep, email: EmailParam = None,
) -> HTMLResponse:
    too_long = email is not None and len(email) > EMAIL_MAX
    comparison = compare_for_customer(session, email=email) if email and email.strip() and not too_long else None
    figures = [f for f in (evaluation_figures("demo"), evaluation_figures("online-retail")) if f]
    clicks = clicks_per_day(session, period=period_of_days(zone=settings.support_timezone, default_days=CLICK_DAYS))
    return render(request, "console/recommendations.html", staff=staff, active="recommendations",
                  status=model_status(), figures=figures, comparison=comparison,
                  email=(email or "")[:EMAIL_MAX],
                  email_problem=f"An email address has at most {EMAIL_MAX} characters." if too_long else None,
                  clicks=list(reversed(clicks)), click_zone=settings.support_timezone)
