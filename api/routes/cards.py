"""Clicks on the widget's product cards: a signed link that records the click and leads to the product.

The gateway puts a ``click_url`` on each card it relays (api/routes/sessions.py); the widget's
"View" link is that URL, so a click is counted with or without script, by middle-click or a
copied link alike. The token names one card of one bot message, signed with the conversation's
id (bot/card_clicks/links.py): it cannot count a click for another conversation or card, and
the redirect goes to the product's page as the shop knows it, never to a URL from the request.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import RedirectResponse

from api.callers import limit, request_source
from api.deps import LimitsDep, TrackerDep, WriteSessionDep
from api.errors import error_responses
from bot.card_clicks import record_click
from bot.card_clicks.links import MAX_TOKEN_CHARS

router = APIRouter(prefix="/cards", tags=["widget"])


@router.get("/c/{token}", status_code=303, response_class=RedirectResponse, responses=error_responses(404, 422, 429),
            summary="Follow a product card's link: the click is recorded, then the product page opens")
def follow_card(token: str, request: Request, limits: LimitsDep, session: WriteSessionDep,
                tracker: TrackerDep) -> RedirectResponse:
    limit(limits, "messages", request_source(request))
    link = record_click(session, tracker=tracker, token=token) if len(token) <= MAX_TOKEN_CHARS else None
    if link is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown or invalid product link")
    return RedirectResponse(link, status_code=status.HTTP_303_SEE_OTHER)
