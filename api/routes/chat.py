"""Visitor chat: forwards a message to Rasa and returns the bot's answers."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from api.deps import RasaDep
from api.schemas import BotMessage, ChatRequest, ChatResponse, ErrorResponse
from bot.db import session_scope
from bot.handoff_sessions import is_held_by_agent

router = APIRouter(prefix="/api", tags=["chat"])

LOOKUP_UNAVAILABLE = "Sorry, I can't look that up right now. Please try again in a few minutes."
SOMETHING_WENT_WRONG = "Sorry, something went wrong on my side. Could you say that again?"


def held_by_agent(sender_id: str) -> bool:
    """True while an agent holds the conversation, so Rasa's silence is on purpose."""
    try:
        with session_scope() as session:
            return is_held_by_agent(session, sender_id=sender_id)
    except SQLAlchemyError:
        return False  # shop DB down: the visitor gets the "can't look that up" notice


def _to_message(raw: dict) -> BotMessage:
    return BotMessage(
        text=raw.get("text"),
        buttons=[b for b in raw.get("buttons") or [] if isinstance(b, dict) and "title" in b and "payload" in b],
        image=raw.get("image"),
        custom=raw.get("custom") if isinstance(raw.get("custom"), dict) else None,
    )


def _merge_payloads(messages: list[BotMessage]) -> list[BotMessage]:
    """Rasa's REST channel sends a response's custom payload as a message of its own;
    attach it to the text it belongs to, so clients get one message with both."""
    merged: list[BotMessage] = []
    for message in messages:
        payload_only = message.custom is not None and not (message.text or message.buttons or message.image)
        if payload_only and merged and merged[-1].custom is None:
            merged[-1] = merged[-1].model_copy(update={"custom": message.custom})
        else:
            merged.append(message)
    return merged


@router.post(
    "/chat",
    response_model=ChatResponse,
    responses={413: {"model": ErrorResponse}, 422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
    summary="Send a visitor message and get the bot's replies",
)
async def chat(body: ChatRequest, rasa: RasaDep) -> ChatResponse:
    text = body.message.strip()
    if not text:
        raise HTTPException(status_code=422, detail="message is empty")
    if await run_in_threadpool(held_by_agent, body.sender_id):
        # Stored for the agent who holds the chat, never answered by the bot.
        await rasa.store_visitor_message(sender_id=body.sender_id, text=text)
        return ChatResponse(sender_id=body.sender_id, messages=[], with_agent=True)
    raw = await rasa.send(sender_id=body.sender_id, text=text)
    messages = _merge_payloads([_to_message(m) for m in raw])
    if not messages:
        if await run_in_threadpool(held_by_agent, body.sender_id):  # taken while the message was on its way
            return ChatResponse(sender_id=body.sender_id, messages=[], with_agent=True)
        # Rasa answers nothing when a custom action failed (action server or DB down).
        ok, _ = await rasa.action_server_health()
        messages = [BotMessage(text=LOOKUP_UNAVAILABLE if not ok else SOMETHING_WENT_WRONG)]
    return ChatResponse(sender_id=body.sender_id, messages=messages)
