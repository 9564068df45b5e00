"""Entry point for adapters: understand a product question and search for it."""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy.orm import Session

from bot.catalog.query import QueryParser
from bot.catalog.refine import cheapest_shown, from_state, is_follow_up, refine
from bot.catalog.search import SearchResult, search_products
from bot.catalog.vocabulary import load_vocabulary

# The parser is built from the catalog's words; rebuild it now and then so new
# brands or categories are understood without a restart.
_PARSER_TTL_SECONDS = 600
_lock = threading.Lock()
_cache: dict[str, tuple[float, QueryParser]] = {}


def parser_for(session: Session) -> QueryParser:
    """The query parser for the database ``session`` is bound to (built lazily, cached)."""
    bind = session.get_bind()
    key = str(bind.engine.url)
    now = time.monotonic()
    with _lock:
        cached = _cache.get(key)
        if cached and now - cached[0] < _PARSER_TTL_SECONDS:
            return cached[1]
        parser = QueryParser(load_vocabulary(session))
        _cache[key] = (now, parser)
        return parser


def find_products(
    session: Session, *, text: str, previous: dict[str, Any] | None = None, limit: int = 5
) -> SearchResult:
    """Parse ``text`` as a product question and return the best matches.

    ``previous`` is the last search of the conversation (``refine.to_state``): a
    follow-up that only names filters ("any in blue?") narrows that search.
    """
    query = parser_for(session).parse(text)
    before = from_state(previous) if previous else None
    if before is not None and is_follow_up(query):
        query = refine(before, query, cheapest=cheapest_shown(previous))
    return search_products(session, query=query, limit=limit)
