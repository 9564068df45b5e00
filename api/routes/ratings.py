"""Visitors rate their conversation (1-5 stars, an optional comment) when it ends."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status

from api.callers import limit, request_source
from api.deps import LimitsDep, SettingsDep, WriteSessionDep
from api.errors import error_responses
from api.schemas import RatingOut, RatingRequest
from bot.errors import InvalidRating
from bot.ratings import rate_conversation
from bot.visitor_sessions import is_session_id

router = APIRouter(prefix="/api/sessions", tags=["widget"])


@router.post(
    "/{session_id}/rating", response_model=RatingOut,
    responses=error_responses(400, 404, 422, 429),
    summary="Rate the conversation (a second rating replaces the first)",
)
def rate(
    session_id: str, body: RatingRequest, request: Request,
    session: WriteSessionDep, settings: SettingsDep, limits: LimitsDep,
) -> RatingOut:
    if not is_session_id(session_id, secret_key=settings.secret_key):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown session")
    limit(limits, "messages", session_id)
    limit(limits, "messages", request_source(request))  # the same budget as the source's messages
    try:
        stored = rate_conversation(session, sender_id=session_id, rating=body.rating, comment=body.comment)
    except InvalidRating as exc:
        raise HTTPException(422, str(exc)) from exc
    return RatingOut(rating=stored.rating, comment=stored.comment, created_at=stored.created_at,
                     updated_at=stored.updated_at)
