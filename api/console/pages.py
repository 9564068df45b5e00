"""Console pages for every staff member: the home page at /console."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.console.templating import render
from api.deps import ConsoleSessionDep, StaffUser
from bot.staff.overview import MESSAGES_LEFT_DAYS, support_overview

router = APIRouter(include_in_schema=False)


@router.get("/console", response_class=HTMLResponse)
def home(request: Request, session: ConsoleSessionDep, staff: StaffUser) -> HTMLResponse:
    overview = support_overview(session)
    return render(request, "console/home.html", staff=staff, active="home", overview=overview,
                  messages_left_days=MESSAGES_LEFT_DAYS)
