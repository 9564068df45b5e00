"""Widget sessions: start a conversation, send messages, read and follow its history.

The history is Rasa's tracker store, read by seq (the event row id), so a widget
restores a conversation after a reload from the server and resumes a live
connection after a drop without losing or repeating a message.
"""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, WebSocket, WebSocketDisconnect, status
from starlette.concurrency import run_in_threadpool

from api.callers import limit, request_source
from api.deps import HubDep, LimitsDep, RasaDep, SettingsDep
from api.errors import error_responses
from api.metrics import LONG_POLLS_WAITING, OPEN_WEBSOCKETS
from api.rate_limit import RateLimited
from api.relay import EmptyText, deliver, prepare, silence_notice
from api.waiting import TooManyWaiting
from api.schemas import ChatMessageOut, MessagesResponse, ProductCard, SendMessageRequest, SessionCreated
from bot.card_clicks import click_path
from bot.settings import get_settings
from bot.transcripts.chat import ChatMessage, chat_messages, find_by_client_id
from bot.transcripts.store import get_tracker_engine, last_seq
from bot.visitor_sessions import is_session_id, new_session_id

router = APIRouter(prefix="/api/sessions", tags=["widget"])

# Connections re-read the store this often even without a wake-up (another replica
# may have stored the message); long polls hold at most MAX_WAIT seconds.
RECHECK_SECONDS = 5.0
MAX_WAIT = 25
WS_UNKNOWN_SESSION = 4404
WS_RATE_LIMITED = 4429
WS_TOO_MANY = 4430
MAX_SEQ = 2**62  # seqs are row ids; a larger "after" would overflow the database's integers

SessionId = Annotated[str, "a session id issued by POST /api/sessions"]


def _card(card: dict, *, session_id: str, seq: int | None) -> ProductCard:
    out = ProductCard.model_validate(card)
    # A stored message's card with a product id gets its counted link (bot/card_clicks/links.py).
    if seq is not None and isinstance(out.id, int) and out.id > 0:
        out.click_url = click_path(sender_id=session_id, seq=seq, product_id=out.id)
    return out


def _out(message: ChatMessage, session_id: str) -> ChatMessageOut:
    return ChatMessageOut(
        seq=message.seq, sender=message.sender, text=message.text, buttons=list(message.buttons),
        cards=[_card(c, session_id=session_id, seq=message.seq) for c in message.cards], image=message.image,
        timestamp=message.timestamp,
        client_id=message.client_id, agent_name=message.agent_name, ends=message.ends,
    )


def _read(session_id: str, after: int) -> list[ChatMessage]:
    with get_tracker_engine().connect() as conn:
        return chat_messages(conn, sender_id=session_id, after=after)


def _read_sent(session_id: str, client_id: str) -> list[ChatMessage] | None:
    """The stored visitor message with ``client_id`` and what followed it, or None."""
    with get_tracker_engine().connect() as conn:
        sent = find_by_client_id(conn, sender_id=session_id, client_id=client_id)
        if sent is None or sent.seq is None:
            return None
        return chat_messages(conn, sender_id=session_id, after=sent.seq - 1)


def _last_seq(session_id: str) -> int:
    with get_tracker_engine().connect() as conn:
        return last_seq(conn, sender_id=session_id)


def _check(session_id: str, secret_key: str) -> None:
    if not is_session_id(session_id, secret_key=secret_key):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown session")


def _response(messages: list[ChatMessage], after: int, session_id: str) -> MessagesResponse:
    seqs = [m.seq for m in messages if m.seq is not None]
    return MessagesResponse(messages=[_out(m, session_id) for m in messages], last_seq=max([after, *seqs]))


@router.post("", status_code=201, response_model=SessionCreated, responses=error_responses(429),
             summary="Start a visitor conversation")
async def create_session(request: Request, settings: SettingsDep, limits: LimitsDep) -> SessionCreated:
    limit(limits, "sessions", request_source(request))
    return SessionCreated(session_id=new_session_id(secret_key=settings.secret_key))


@router.get("/{session_id}/messages", response_model=MessagesResponse, responses=error_responses(404, 422, 429),
            summary="The conversation's messages after a seq (optionally waiting for new ones)")
async def list_messages(
    session_id: SessionId, request: Request, settings: SettingsDep, hub: HubDep, limits: LimitsDep,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ, description="Only messages with a larger seq")] = 0,
    wait: Annotated[int, Query(ge=0, le=MAX_WAIT, description="Seconds to wait for a new message (long poll)")] = 0,
) -> MessagesResponse:
    _check(session_id, settings.secret_key)
    if not wait:
        return _response(await run_in_threadpool(_read, session_id, after), after, session_id)
    # A long poll holds a connection: counted per source, and only so many wait at once.
    source = request_source(request)
    limit(limits, "long_polls", source)
    try:
        with request.app.state.waiting.hold(source), LONG_POLLS_WAITING.track_inprogress():
            return await _wait_for_messages(session_id, hub, after, wait)
    except TooManyWaiting as exc:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many open connections, please slow down",
                            headers={"Retry-After": str(MAX_WAIT)}) from exc


async def _wait_for_messages(session_id: str, hub, after: int, wait: int) -> MessagesResponse:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    with hub.subscribe(session_id) as frames:
        while True:
            messages = await run_in_threadpool(_read, session_id, after)
            remaining = deadline - loop.time()
            if messages or remaining <= 0:
                return _response(messages, after, session_id)
            try:
                await asyncio.wait_for(frames.get(), timeout=min(remaining, RECHECK_SECONDS))
            except TimeoutError:
                pass


@router.post(
    "/{session_id}/messages", response_model=MessagesResponse,
    responses=error_responses(400, 404, 422, 429, 503),
    summary="Send a visitor message; get it back as stored, with the bot's replies",
)
async def send_message(
    session_id: SessionId, body: SendMessageRequest, request: Request,
    settings: SettingsDep, rasa: RasaDep, hub: HubDep, limits: LimitsDep,
) -> MessagesResponse:
    _check(session_id, settings.secret_key)
    text = body.text.strip()
    if not text:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "message is empty")
    source = request_source(request)
    async with request.app.state.session_locks.hold(session_id):
        if body.client_id:
            already = await run_in_threadpool(_read_sent, session_id, body.client_id)
            if already is not None:
                return _response(already, 0, session_id)
        limit(limits, "messages", session_id)
        limit(limits, "messages", source)
        try:
            message = await prepare(text, sender_id=session_id, source=source, client_id=body.client_id,
                                    display=body.display, language=body.language)
        except EmptyText as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from exc
        before = await run_in_threadpool(_last_seq, session_id)
        if message.notice:
            notice = ChatMessage(seq=None, sender="system", text=message.notice, timestamp=time.time())
            return _response([notice], before, session_id)
        raw, with_agent = await deliver(
            rasa, sender_id=session_id, message=message,
            typing=lambda on: hub.publish(session_id, {"type": "typing", "from": "bot", "on": on}),
        )
        messages = await run_in_threadpool(_read, session_id, before)
        hub.wake(session_id)
    if not with_agent and not raw and not any(m.sender != "visitor" for m in messages):
        notice = await silence_notice(rasa, sender_id=session_id)
        if notice is not None:
            messages.append(ChatMessage(seq=None, sender="bot", text=notice,
                                        timestamp=messages[-1].timestamp if messages else time.time()))
    return _response(messages, before, session_id)


async def _receive(websocket: WebSocket, frames: asyncio.Queue) -> None:
    """Read client frames until the socket closes; answer pings through the sender."""
    while True:
        try:
            frame = await websocket.receive_json()
        except (WebSocketDisconnect, RuntimeError):
            return
        except ValueError:
            continue  # not JSON: ignore
        if isinstance(frame, dict) and frame.get("type") == "ping":
            frames.put_nowait({"type": "pong"})


@router.websocket("/{session_id}/ws")
async def follow(websocket: WebSocket, session_id: str, after: int = 0) -> None:
    """Push the conversation's messages after ``after``, then every new one, and typing signals."""
    settings = get_settings()
    await websocket.accept()
    if not is_session_id(session_id, secret_key=settings.secret_key):
        await websocket.close(code=WS_UNKNOWN_SESSION, reason="unknown session")
        return
    source = request_source(websocket)
    try:
        websocket.app.state.limits.hit("connections", source)
    except RateLimited:
        await websocket.close(code=WS_RATE_LIMITED, reason="too many connections")
        return
    try:
        with websocket.app.state.waiting.hold(source), OPEN_WEBSOCKETS.track_inprogress():
            await _push(websocket, session_id, min(max(after, 0), MAX_SEQ))
    except TooManyWaiting:
        await websocket.close(code=WS_TOO_MANY, reason="too many open connections")


async def _push(websocket: WebSocket, session_id: str, last: int) -> None:
    hub = websocket.app.state.hub
    with hub.subscribe(session_id) as frames:
        receiver = asyncio.create_task(_receive(websocket, frames))
        try:
            while not receiver.done():
                for message in await run_in_threadpool(_read, session_id, last):
                    out = _out(message, session_id).model_dump(by_alias=True)
                    await websocket.send_json({"type": "message", "message": out})
                    last = max(last, message.seq or 0)
                getter = asyncio.ensure_future(frames.get())
                done, _ = await asyncio.wait({getter, receiver}, timeout=RECHECK_SECONDS, return_when=asyncio.FIRST_COMPLETED)
                if getter not in done:
                    getter.cancel()
                    continue
                frame = getter.result()
                if frame.get("type") in ("typing", "pong", "event"):
                    await websocket.send_json(frame)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            receiver.cancel()
