"""Templates of the console pages (api/templates/console/) and their shared context."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from bot.settings import get_settings

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def _zone() -> ZoneInfo:
    return ZoneInfo(get_settings().support_timezone)


def local_time(moment: datetime | None, fmt: str = "%a %d %b, %H:%M") -> str:
    """A UTC instant as wall-clock time in the support time zone."""
    return moment.astimezone(_zone()).strftime(fmt) if moment else "—"


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """How long ago ``moment`` was, roughly: "just now", "12 min", "3 h 5 min", "2 days"."""
    if moment is None:
        return "—"
    minutes = int(((now or datetime.now(timezone.utc)) - moment).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{minutes // (24 * 60)} days"


@lru_cache
def templates() -> Jinja2Templates:
    env = Jinja2Templates(directory=TEMPLATES_DIR)
    env.env.filters["local_time"] = local_time
    env.env.filters["ago"] = ago
    return env


def render(request: Request, name: str, *, status_code: int = 200, headers: dict[str, str] | None = None,
           **context) -> HTMLResponse:
    """Render a console page; ``staff`` (the StaffIdentity or None) fills the navigation."""
    settings = get_settings()
    context.setdefault("staff", None)
    context.update(shop_name=settings.shop_name, support_timezone=settings.support_timezone,
                   now=datetime.now(timezone.utc))
    return templates().TemplateResponse(request, name, context, status_code=status_code, headers=headers)
