"""Log lines with the request id and without personal data, for every process.

``configure_logging(process=..., fmt=...)`` sends the standard library's records (our own
and the servers' own: uvicorn, Sanic, rasa_sdk) to one handler on stderr, which writes
- ``json``: one JSON object per line: ``time`` (UTC, ISO 8601), ``level``, ``logger``,
  ``message``, ``process`` (gateway / actions / summaries), ``request_id`` while one is bound,
  and the record's extra fields;
- ``text`` (the default, for ``make run``): the same facts as one readable line.

The request id lives in a context variable: the gateway binds one per HTTP request or
WebSocket connection and sends it to Rasa as message metadata; the action server binds the
one it finds there while an action runs. Whatever a record holds that could be a visitor's
words (the message, exception text, extra fields) passes through the transcripts' masking
(bot/transcripts/masking.py), so emails, order numbers, phones and addresses never reach a
log. The request id itself is not masked: it is checked against a strict charset (no ``@``,
no spaces) and masking would cut the digit runs of a random id, so it would no longer match.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from bot.transcripts.masking import mask_text

FORMATS = ("text", "json")
# A caller's id is kept only in this shape: opaque ids such as UUIDs, ULIDs or hex digests.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
# Loggers that servers give handlers of their own: their records go to ours instead.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "sanic.root", "sanic.error", "sanic.access")
# Fields that are ours, not the visitor's, and stay as they are.
_UNMASKED = frozenset({"time", "level", "logger", "process", "request_id"})
# uvicorn's coloured copy of its message: the same text again.
_DROPPED = frozenset({"color_message"})

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The request id bound in this context, if any."""
    return _request_id.get()


def is_valid_request_id(value: object) -> bool:
    """Is ``value`` an id we may take from a caller (8-64 letters, digits, ``.``, ``_``, ``-``)?"""
    return isinstance(value, str) and _VALID_REQUEST_ID.fullmatch(value) is not None


def new_request_id() -> str:
    """A fresh random request id."""
    return uuid.uuid4().hex


def request_id_or_new(value: str | None) -> str:
    """``value`` when it is a valid request id, else a new one."""
    return value if is_valid_request_id(value) else new_request_id()


def bind_request_id(request_id: str | None) -> Token[str | None]:
    """Bind ``request_id`` (None: no id) in this context; give the token to ``reset_request_id``."""
    return _request_id.set(request_id)


def reset_request_id(token: Token[str | None]) -> None:
    """Restore the request id that was bound before ``bind_request_id`` returned ``token``."""
    _request_id.reset(token)


@contextmanager
def bound_request_id(request_id: str | None) -> Iterator[None]:
    """Bind ``request_id`` for the ``with`` block."""
    token = bind_request_id(request_id)
    try:
        yield
    finally:
        reset_request_id(token)


def _utc_time(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")


def _masked(value: Any) -> Any:
    """``value`` with the personal data in its strings hidden; other objects as masked strings."""
    if value is None or isinstance(value, (bool, float)):
        return value
    if isinstance(value, int):
        return value if mask_text(str(value)) == str(value) else mask_text(str(value))
    if isinstance(value, dict):
        return {str(k): _masked(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_masked(v) for v in value]
    return mask_text(value if isinstance(value, str) else str(value))


class MaskingJsonFormatter(JsonFormatter):
    """One JSON object per record, personal data masked."""

    def __init__(self, *, process: str) -> None:
        super().__init__("%(message)s")
        self.process = process

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        log_data["time"] = _utc_time(record)
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        super().add_fields(log_data, record, message_dict)
        log_data["process"] = self.process
        request_id = current_request_id()
        if request_id:
            log_data["request_id"] = request_id
        for key in _DROPPED:
            log_data.pop(key, None)

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {k: v if k in _UNMASKED else _masked(v) for k, v in log_data.items()}


class MaskingTextFormatter(logging.Formatter):
    """``<time> <level> <logger> [<request id>] <message>``, personal data masked."""

    def __init__(self, *, process: str) -> None:
        super().__init__()
        self.process = process

    def format(self, record: logging.LogRecord) -> str:
        line = (f"{_utc_time(record)} {record.levelname:<7} {self.process} {record.name} "
                f"[{current_request_id() or '-'}] {mask_text(record.getMessage())}")
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line += "\n" + (mask_text(record.exc_text) or "")
        if record.stack_info:
            line += "\n" + (mask_text(self.formatStack(record.stack_info)) or "")
        return line


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def _is_console(handler: logging.Handler) -> bool:
    stream = getattr(handler, "stream", None)
    return isinstance(handler, _StderrHandler) or stream in (sys.stderr, sys.stdout, sys.__stderr__, sys.__stdout__)


def configure_logging(*, process: str, fmt: str = "text", level: int = logging.INFO) -> None:
    """Send this process's log records to one stderr handler in format ``fmt`` ("text" or "json").

    Safe to call again (the gateway's app factory may run more than once): the console handlers
    already on the root logger (ours, or rasa_sdk's coloured one) are replaced, others (a test
    runner's capture, a log file) stay; the servers' loggers hand their records to the root.
    """
    if fmt not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    handler = _StderrHandler()
    handler.setFormatter(MaskingJsonFormatter(process=process) if fmt == "json"
                         else MaskingTextFormatter(process=process))
    root = logging.getLogger()
    for old in [h for h in root.handlers if _is_console(h)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        for old in [h for h in server_logger.handlers if _is_console(h)]:
            server_logger.removeHandler(old)
        server_logger.propagate = True
