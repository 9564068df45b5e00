"""The embeddable chat widget script, ``<script src=".../widget.js" async>``."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(tags=["widget"])

WIDGET_JS = Path(__file__).resolve().parent.parent / "static" / "widget.js"


@router.get("/widget.js", include_in_schema=False)
async def widget_js() -> FileResponse:
    # Short cache: shops embed a fixed URL, and a fix should reach visitors soon.
    return FileResponse(
        WIDGET_JS, media_type="application/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
    )
