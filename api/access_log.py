"""Keep visitors' bearer secrets out of the logs.

A widget session id (= the Rasa sender id) in a path such as ``/api/sessions/<id>/messages``
is the credential of the public API: whoever reads the access log could chat as the visitor.
Uvicorn logs each request's path on "uvicorn.access" and each WebSocket's on "uvicorn.error";
a filter on these loggers replaces such path segments (and secret-looking query values) before
any handler formats the record.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
# A segment after these prefixes is a conversation's secret; Rasa's tracker URL carries the sender id too.
_SECRET_SEGMENT = re.compile(r"(/api/sessions/|/api/chat/|(?<!/console)/conversations/)[^/?#\s\"']+")
_SECRET_QUERY = re.compile(r"(?i)([?&](?:session_id|session|sender_id|sender|token)=)[^&#\s\"']*")
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
