"""Keep visitors' bearer secrets out of the logs.

A widget session id (= the Rasa sender id) in a path such as ``/api/sessions/<id>/messages``
is the credential of the public API: whoever reads the access log could chat as the visitor.
Uvicorn logs each request's path on "uvicorn.access" and each WebSocket's on "uvicorn.error";
a filter on these loggers replaces such path segments (and secret-looking query values) before
any handler formats the record.

Request ids: ``RequestIds`` gives every HTTP request and WebSocket connection an id (the
caller's ``X-Request-ID`` when it has the strict shape of bot/logging_setup.py, else a new
one), binds it while the request runs, so every log line of it (the access line included:
uvicorn writes it from inside the request) carries it, and returns it in the response's
``X-Request-ID`` header (on a WebSocket, in the handshake's answer). The relay sends it on
to Rasa as message metadata (api/relay.py).
"""

from __future__ import annotations

import logging
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.logging_setup import bound_request_id, request_id_or_new

REDACTED = "[redacted]"
# A segment after these prefixes is a conversation's secret; Rasa's tracker URL carries the sender id too.
_SECRET_SEGMENT = re.compile(r"(/api/sessions/|/api/chat/|(?<!/console)/conversations/)[^/?#\s\"']+")
_SECRET_QUERY = re.compile(r"(?i)([?&](?:session_id|session|sender_id|sender|token)=)[^&#\s\"']*")
REQUEST_ID_HEADER = b"x-request-id"
# httpx logs each call to Rasa (with its URL) at INFO.
LOGGERS = ("uvicorn.access", "uvicorn.error", "httpx")


def redact(text: str) -> str:
    """``text`` with conversation ids in paths and secret query values replaced."""
    return _SECRET_QUERY.sub(rf"\1{REDACTED}", _SECRET_SEGMENT.sub(rf"\1{REDACTED}", text))


def _clean(value: object) -> object:
    if isinstance(value, (int, float)):
        return value
    text = str(value)  # httpx passes URL objects
    cleaned = redact(text)
    return cleaned if cleaned != text else value


class SecretPathFilter(logging.Filter):
    """Rewrites a record's message and string arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _clean(v) for k, v in record.args.items()}
        return True


def install_log_redaction() -> None:
    """Put the filter on uvicorn's loggers, once per process (the app factory may run more than once)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, SecretPathFilter) for f in logger.filters):
            logger.addFilter(SecretPathFilter())


def _incoming_request_id(scope: Scope) -> str | None:
    """The caller's request id: exactly one ``X-Request-ID`` header, else none."""
    values = [v for k, v in scope.get("headers", ()) if k.lower() == REQUEST_ID_HEADER]
    return values[0].decode("latin-1") if len(values) == 1 else None


class RequestIds:
    """ASGI middleware: a request id per HTTP request and WebSocket connection (see the module's doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = request_id_or_new(_incoming_request_id(scope))
        header = (REQUEST_ID_HEADER, request_id.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            if message["type"] in ("http.response.start", "websocket.accept"):
                headers = [(k, v) for k, v in message.get("headers") or () if k.lower() != REQUEST_ID_HEADER]
                message = {**message, "headers": [*headers, header]}
            await send(message)

        with bound_request_id(request_id):
            await self.app(scope, receive, send_with_id)
