"""The console's proactive-messages page: consents, and notifications sent and clicked."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.console.templating import render
from api.deps import ConsoleSessionDep, StaffUser
from bot.proactive import proactive_figures

router = APIRouter(include_in_schema=False)


@router.get("/console/analytics/proactive", response_class=HTMLResponse)
def proactive_page(request: Request, session: ConsoleSessionDep, staff: StaffUser) -> HTMLResponse:
    return render(request, "console/proactive.html", staff=staff, active="analytics",
                  figures=proactive_figures(session))
