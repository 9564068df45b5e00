"""The recommendations page of the console: the model's state, its offline figures, one customer's picks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.console.templating import render
from api.deps import ConsoleSessionDep, StaffUser
from bot.recs.serving import compare_for_customer, evaluation_figures, model_status

router = APIRouter(include_in_schema=False)

EmailParam = Annotated[str | None, Query(max_length=254, description="A customer's email")]


@router.get("/console/recommendations", response_class=HTMLResponse)
def recommendations_page(
    request: Request, session: ConsoleSessionDep, staff: StaffUser, email: EmailParam = None,
) -> HTMLResponse:
    comparison = compare_for_customer(session, email=email) if email and email.strip() else None
    figures = [f for f in (evaluation_figures("demo"), evaluation_figures("online-retail")) if f]
    return render(request, "console/recommendations.html", staff=staff, active="recommendations",
                  status=model_status(), figures=figures, comparison=comparison, email=email or "")
