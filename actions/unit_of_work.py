"""Running ``bot`` services from an action: one transaction, off the event loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions.metrics import count_db_error
from bot.db import session_scope

logger = logging.getLogger(__name__)
T = TypeVar("T")


class ServiceUnavailable(Exception):
    """The shop database could not be reached; the visitor is told so."""


def _run(work: Callable[[Session], T]) -> T:
    try:
        with session_scope() as session:
            return work(session)
    except SQLAlchemyError as exc:
        count_db_error()
        logger.exception("shop database unavailable")
        raise ServiceUnavailable from exc


async def in_transaction(work: Callable[[Session], T]) -> T:
    """Run ``work(session)`` in a thread inside ``session_scope``; DB errors become ServiceUnavailable."""
    return await asyncio.to_thread(_run, work)
