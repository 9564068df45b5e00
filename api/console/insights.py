"""Shop insights in the console analytics: customer segments (RFM) and stock-out warnings."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.console.templating import render
from api.deps import ConsoleSessionDep, StaffUser
from bot.aggregates import MAX_STALE_MINUTES
from bot.segments import SEGMENT_MAP, segment_overview
from bot.stockout.forecast import HORIZON_DAYS, WINDOW_DAYS
from bot.stockout.warnings import UNMET_DAYS, stock_warnings

router = APIRouter()


@router.get("/console/analytics/segments", response_class=HTMLResponse, include_in_schema=False)
def segments_page(request: Request, session: ConsoleSessionDep, staff: StaffUser) -> HTMLResponse:
    segment_map = [(name, sorted(rs), sorted(fs)) for name, rs, fs in SEGMENT_MAP]
    return render(request, "console/segments.html", staff=staff, active="analytics",
                  o=segment_overview(session), segment_map=segment_map, max_stale=MAX_STALE_MINUTES)


@router.get("/console/analytics/stock", response_class=HTMLResponse, include_in_schema=False)
def stock_page(request: Request, session: ConsoleSessionDep, staff: StaffUser) -> HTMLResponse:
    return render(request, "console/stock.html", staff=staff, active="analytics", warnings=stock_warnings(session),
                  horizon=HORIZON_DAYS, window=WINDOW_DAYS, unmet_days=UNMET_DAYS)
