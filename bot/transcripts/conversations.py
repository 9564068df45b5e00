"""The conversation list: one summary per sender id, aggregated, filtered and paginated in SQL.

How it scales: the tracker store has one row per event and no table of its own
per conversation, so a page is one ``GROUP BY sender_id`` pass over the events
(turns, first/last time, fallback, handoff, lowest confidence; filters are
``HAVING``/``WHERE`` clauses, the total comes from a window function, ``LIMIT``/
``OFFSET`` cut the page) plus two small queries on the page's sender ids only
(intents seen, first visitor message), which use Rasa's index on sender_id.
JSON is only parsed in the database, and only for user events (and for
user/bot events when searching text). Python never sees more than a page.
The cost is linear in the number of events: measured on SQLite, 0.06 s for a
page over 3,000 conversations (69,000 events) and 0.2 s over 10,000 (230,000
events), filtered or not (tests/bot/test_conversation_list.py keeps an eye on it).
Far beyond that, a summary table fed by Rasa's event broker would be the next step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import JSON, ColumnElement, and_, bindparam, case, cast, false, func, or_, select, type_coerce
from sqlalchemy.engine import Connection

from bot.transcripts.store import events, has_events_table, parse_event_data, valid_event_data

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = ("action_default_fallback",)
HANDOFF_ACTIONS = ("action_handoff",)
MAX_PER_PAGE = 100
SNIPPET_CHARS = 140
# Review filters send lists of sender ids; inlined (escaped) so that no database's
# limit on bound parameters is hit however many conversations have been reviewed.
_LITERAL_IDS = {"expanding": True, "literal_execute": True}


@dataclass(frozen=True, slots=True)
class ConversationFilters:
    """What the list shows; None/empty means "any"."""

    text: str = ""
    since: datetime | None = None  # conversations active at or after this instant
    until: datetime | None = None  # ... and before this one
    intent: str | None = None
    fallback: bool | None = None
    confidence_below: float | None = None
    handoff: bool | None = None
    only_ids: frozenset[str] | None = None  # e.g. the reviewed ones, or those with a tag
    except_ids: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    sender_id: str
    started_at: datetime
    last_at: datetime
    turns: int  # visitor messages
    intents: tuple[str, ...]  # in the order first seen
    fallback: bool
    lowest_confidence: float | None
    handoff: bool
    snippet: str | None  # the first visitor message, or the first one matching the text searched


@dataclass(frozen=True, slots=True)
class ConversationPage:
    items: tuple[ConversationSummary, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _data(conn: Connection) -> ColumnElement:
    # PostgreSQL needs the text column cast to json; SQLite's JSON functions read text as it is.
    # A row that is not valid JSON reads as NULL: no text, no confidence, never an error.
    data = valid_event_data(conn)
    if conn.dialect.name == "postgresql":
        return cast(data, JSON)
    return type_coerce(data, JSON)


def _confidence(conn: Connection) -> ColumnElement:
    """NLU confidence of a user event; for nlu_fallback the confidence of the intent it beat."""
    data = _data(conn)
    # The FallbackClassifier puts nlu_fallback (at its threshold) first in the ranking; the real top is second.
    return case(
        (events.c.intent_name == FALLBACK_INTENT, data[("parse_data", "intent_ranking", 1, "confidence")].as_float()),
        else_=data[("parse_data", "intent", "confidence")].as_float(),
    )


def message_text(conn: Connection) -> ColumnElement:
    """SQL expression: the text of a user or bot event."""
    return _data(conn)[("text",)].as_string()


def _flag(condition: ColumnElement) -> ColumnElement:
    return func.max(case((condition, 1), else_=0))


def _like(conn: Connection, text: str) -> ColumnElement:
    """A user or bot event whose text contains ``text`` (case-insensitive for ASCII on SQLite)."""
    pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return and_(events.c.type_name.in_(("user", "bot")), func.lower(message_text(conn)).like(pattern, escape="\\"))


def _aggregate(conn: Connection, filters: ConversationFilters):
    is_user = events.c.type_name == "user"
    fallback = _flag(or_(events.c.intent_name == FALLBACK_INTENT, events.c.action_name.in_(FALLBACK_ACTIONS)))
    handoff = _flag(events.c.action_name.in_(HANDOFF_ACTIONS))
    lowest = func.min(case((is_user, _confidence(conn))))
    stmt = select(
        events.c.sender_id,
        func.min(events.c.timestamp).label("started"),
        func.max(events.c.timestamp).label("last"),
        func.sum(case((is_user, 1), else_=0)).label("turns"),
        fallback.label("fallback"),
        lowest.label("lowest"),
        handoff.label("handoff"),
    ).group_by(events.c.sender_id)

    if filters.only_ids is not None:
        if not filters.only_ids:
            stmt = stmt.where(false())
        else:
            stmt = stmt.where(events.c.sender_id.in_(bindparam("only_ids", sorted(filters.only_ids), **_LITERAL_IDS)))
    if filters.except_ids:
        excluded = bindparam("except_ids", sorted(filters.except_ids), **_LITERAL_IDS)
        stmt = stmt.where(events.c.sender_id.not_in(excluded))
    if filters.text.strip():
        matching = select(events.c.sender_id).where(_like(conn, filters.text.strip())).distinct()
        stmt = stmt.where(events.c.sender_id.in_(matching))

    having: list[ColumnElement] = []
    if filters.since is not None:
        having.append(func.max(events.c.timestamp) >= filters.since.timestamp())
    if filters.until is not None:
        having.append(func.min(events.c.timestamp) < filters.until.timestamp())
    if filters.intent:
        having.append(_flag(and_(is_user, events.c.intent_name == filters.intent)) == 1)
    if filters.fallback is not None:
        having.append(fallback == int(filters.fallback))
    if filters.handoff is not None:
        having.append(handoff == int(filters.handoff))
    if filters.confidence_below is not None:
        having.append(lowest < filters.confidence_below)
    return stmt.having(and_(*having)) if having else stmt


def _moment(ts: float | None) -> datetime:
    return datetime.fromtimestamp(ts or 0.0, tz=timezone.utc)


def _intents_seen(conn: Connection, sender_ids: list[str]) -> dict[str, list[str]]:
    stmt = (
        select(events.c.sender_id, events.c.intent_name, func.min(events.c.id).label("first"))
        .where(events.c.sender_id.in_(sender_ids), events.c.type_name == "user", events.c.intent_name.is_not(None))
        .group_by(events.c.sender_id, events.c.intent_name)
        .order_by("first")
    )
    seen: dict[str, list[str]] = {}
    for row in conn.execute(stmt):
        seen.setdefault(row.sender_id, []).append(row.intent_name)
    return seen


def _visible_text(raw: str | None) -> str | None:
    data = parse_event_data(raw)
    meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    text = meta.get("display") or data.get("text")
    return " ".join(str(text).split())[:SNIPPET_CHARS] if text else None


def _snippets(conn: Connection, sender_ids: list[str], text: str) -> dict[str, str | None]:
    which = _like(conn, text) if text else events.c.type_name == "user"
    first = (
        select(func.min(events.c.id).label("id"))
        .where(events.c.sender_id.in_(sender_ids), which)
        .group_by(events.c.sender_id)
    )
    ids = list(conn.execute(first).scalars())
    if not ids:
        return {}
    rows = conn.execute(select(events.c.sender_id, events.c.data).where(events.c.id.in_(ids)))
    return {row.sender_id: _visible_text(row.data) for row in rows}


def list_conversations(
    conn: Connection, *, filters: ConversationFilters | None = None, page: int = 1, per_page: int = 25
) -> ConversationPage:
    """One page of conversation summaries, most recently active first."""
    filters = filters or ConversationFilters()
    page, per_page = max(1, page), max(1, min(per_page, MAX_PER_PAGE))
    if not has_events_table(conn):
        return ConversationPage(items=(), total=0, page=page, per_page=per_page)
    grouped = _aggregate(conn, filters).subquery("conversations")
    stmt = (
        select(grouped, func.count().over().label("total"))
        .order_by(grouped.c.last.desc(), grouped.c.sender_id)
        .limit(per_page).offset((page - 1) * per_page)
    )
    rows = conn.execute(stmt).all()
    if rows:
        total = rows[0].total
    else:  # past the end: still say how many there are
        total = conn.execute(select(func.count()).select_from(grouped)).scalar() or 0
    ids = [row.sender_id for row in rows]
    intents = _intents_seen(conn, ids) if ids else {}
    snippets = _snippets(conn, ids, filters.text.strip()) if ids else {}
    items = tuple(
        ConversationSummary(
            sender_id=row.sender_id, started_at=_moment(row.started), last_at=_moment(row.last),
            turns=int(row.turns or 0), intents=tuple(intents.get(row.sender_id, ())), fallback=bool(row.fallback),
            lowest_confidence=None if row.lowest is None else float(row.lowest), handoff=bool(row.handoff),
            snippet=snippets.get(row.sender_id),
        )
        for row in rows
    )
    return ConversationPage(items=items, total=total, page=page, per_page=per_page)


def conversation_exists(conn: Connection, *, sender_id: str) -> bool:
    """Does the tracker store hold any event of this conversation?"""
    if not has_events_table(conn):
        return False
    return conn.execute(select(events.c.id).where(events.c.sender_id == sender_id).limit(1)).first() is not None


def known_sender_ids(conn: Connection, sender_ids: Iterable[str]) -> set[str]:
    """Which of ``sender_ids`` have events."""
    wanted = sorted(set(sender_ids))
    if not wanted or not has_events_table(conn):
        return set()
    stmt = select(events.c.sender_id).where(events.c.sender_id.in_(wanted)).distinct()
    return set(conn.execute(stmt).scalars())
