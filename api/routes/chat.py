"""Visitor chat over plain HTTP: one message in, the bot's answers out.

The server issues the conversation ids (signed, like the widget's session ids):
a caller starts a conversation by leaving ``sender_id`` out and continues it with
the id it got back, so it can never continue a conversation it did not start. A
back-end integration with a key may use its own ids, inside a namespace of its own.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status

from api.callers import integration_name, limit, request_source
from api.deps import LimitsDep, RasaDep, SettingsDep
from api.relay import EmptyText, deliver, prepare, silence_notice
from api.errors import error_responses
from api.schemas import BotMessage, ChatRequest, ChatResponse
from bot.settings import Settings
from bot.sources import source_of_integration
from bot.visitor_sessions import is_session_id, new_session_id

router = APIRouter(prefix="/api", tags=["chat"])

UNKNOWN_CONVERSATION = "unknown conversation: leave sender_id out to start one, then send back the id you get"


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


def _conversation(request: Request, body: ChatRequest, settings: Settings, limits) -> tuple[str, str, str]:
    """(id the caller uses, Rasa sender id, source) for this request, counted against the caller's limits.

    An integration is limited per key; anyone else per source, as on the widget API.
    """
    name = integration_name(request, settings)
    if name is not None:
        limit(limits, "integration", name)
        own = body.sender_id or new_session_id(secret_key=settings.secret_key)
        return own, f"{name}:{own}", source_of_integration(name)
    source = request_source(request)
    limit(limits, "messages", source)
    if body.sender_id is None:
        limit(limits, "sessions", source)
        new = new_session_id(secret_key=settings.secret_key)
        return new, new, source
    if not is_session_id(body.sender_id, secret_key=settings.secret_key):
        raise HTTPException(status.HTTP_404_NOT_FOUND, UNKNOWN_CONVERSATION)
    return body.sender_id, body.sender_id, source


@router.post(
    "/chat",
    response_model=ChatResponse,
    responses=error_responses(400, 401, 404, 422, 429, 503),
    summary="Send a visitor message and get the bot's replies",
)
async def chat(body: ChatRequest, request: Request, rasa: RasaDep, settings: SettingsDep,
               limits: LimitsDep) -> ChatResponse:
    text = body.message.strip()
    if not text:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "message is empty")
    own_id, sender_id, source = _conversation(request, body, settings, limits)
    limit(limits, "messages", sender_id)
    async with request.app.state.session_locks.hold(sender_id):
        try:
            message = await prepare(text, sender_id=sender_id, source=source, language=body.language)
        except EmptyText as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from exc
        if message.notice:
            return ChatResponse(sender_id=own_id, messages=[BotMessage(text=message.notice)])
        raw, with_agent = await deliver(rasa, sender_id=sender_id, message=message)
    if with_agent:
        # Stored for the agent who holds the chat, never answered by the bot.
        return ChatResponse(sender_id=own_id, messages=[], with_agent=True)
    messages = _merge_payloads([_to_message(m) for m in raw])
    if not messages:
        notice = await silence_notice(rasa, sender_id=sender_id)
        if notice is None:  # taken by an agent while the message was on its way
            return ChatResponse(sender_id=own_id, messages=[], with_agent=True)
        messages = [BotMessage(text=notice)]
    return ChatResponse(sender_id=own_id, messages=messages)
