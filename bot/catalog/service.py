"""Entry point for adapters: understand a product question and search for it."""

from __future__ import annotations

import threading
import time

from sqlalchemy.orm import Session

from bot.catalog.query import QueryParser
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


def find_products(session: Session, *, text: str, limit: int = 5) -> SearchResult:
    """Parse ``text`` as a product question and return the best matches."""
    query = parser_for(session).parse(text)
    return search_products(session, query=query, limit=limit)
