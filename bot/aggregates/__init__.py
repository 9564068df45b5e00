"""Aggregates of the order history and catalog, precomputed for answers that must be quick.

Rebuilt whole by a scheduled job (``python -m bot.aggregates --every 300``, started by
``make run``), never per message. See ``refresh.py`` for why a schedule, not triggers.
"""

from bot.aggregates.refresh import (
    LIST_LENGTH,
    MAX_STALE_MINUTES,
    REFRESH_SECONDS,
    SALES_WINDOWS,
    refresh_aggregates,
)

__all__ = ["LIST_LENGTH", "MAX_STALE_MINUTES", "REFRESH_SECONDS", "SALES_WINDOWS", "refresh_aggregates"]
