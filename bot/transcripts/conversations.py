"""The conversation list: one summary per conversation, filtered and paginated in SQL.

It reads the summary tables (``bot.summaries``) that Rasa's event broker feeds,
not the raw tracker events: a page is an index walk over ``conversation_summaries``
by last activity, the filters are indexed lookups (an intent in
``conversation_turns``, text through the trigram index of
``conversation_messages``), and two small queries fetch the page's intents and
search snippets. The cost no longer grows with the number of events; see
``benchmarks/console_scale.py`` for figures at 100,000 conversations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import ColumnElement, Select, bindparam, column, false, func, select, table
from sqlalchemy.engine import Connection

from bot.fts import fts_phrase, indexable
from bot.summaries.tables import has_tables, messages, summaries, texts, turns
from bot.transcripts.store import events, has_events_table

MAX_PER_PAGE = 100
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


def _text_match(conn: Connection, text: str) -> ColumnElement:
    """Messages whose text contains ``text``, case-insensitively (served by the trigram index)."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if conn.dialect.name == "postgresql":
        return func.lower(messages.c.text).like(pattern.lower(), escape="\\")
    # A phrase query, answered from the index (LIKE ... ESCAPE would scan the whole table).
    fts = table("conversation_messages_fts", column("rowid"), column("conversation_messages_fts"))
    matching = fts.c.conversation_messages_fts.op("MATCH")(fts_phrase(text))
    return messages.c.id.in_(select(fts.c.rowid).where(matching))


def _short(text: str) -> bool:
    """Too short for a trigram index: read from ``conversation_texts``, not the messages."""
    return not indexable([text])


def _matching_senders(conn: Connection, text: str) -> Select:
    """The conversations with a message containing ``text`` (stripped), case-insensitively."""
    if not _short(text):
        return select(messages.c.sender_id).where(_text_match(conn, text))
    # One row per conversation, lower-cased when stored: no lower() per row, a tenth of the rows.
    needle = text.lower()
    if conn.dialect.name == "postgresql":
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return select(texts.c.sender_id).where(texts.c.folded.like(f"%{escaped}%", escape="\\"))
    return select(texts.c.sender_id).where(func.instr(texts.c.folded, needle) > 0)  # LIKE would fold ASCII again


def _filtered(conn: Connection, filters: ConversationFilters, *columns: ColumnElement) -> Select:
    s = summaries.c
    stmt = select(*columns) if columns else select(summaries)
    if filters.only_ids is not None:
        if not filters.only_ids:
            stmt = stmt.where(false())
        else:
            stmt = stmt.where(s.sender_id.in_(bindparam("only_ids", sorted(filters.only_ids), **_LITERAL_IDS)))
    if filters.except_ids:
        stmt = stmt.where(s.sender_id.not_in(bindparam("except_ids", sorted(filters.except_ids), **_LITERAL_IDS)))
    if needle := filters.text.strip():
        stmt = stmt.where(s.sender_id.in_(_matching_senders(conn, needle)))
    if filters.since is not None:
        stmt = stmt.where(s.last_at >= filters.since.timestamp())
    if filters.until is not None:
        stmt = stmt.where(s.started_at < filters.until.timestamp())
    if filters.intent:
        stmt = stmt.where(s.sender_id.in_(select(turns.c.sender_id).where(turns.c.intent == filters.intent)))
    if filters.fallback is not None:
        stmt = stmt.where(s.fallback == filters.fallback)
    if filters.handoff is not None:
        stmt = stmt.where(s.handoff == filters.handoff)
    if filters.confidence_below is not None:
        stmt = stmt.where(s.lowest_confidence < filters.confidence_below)
    return stmt


def _moment(ts: float | None) -> datetime:
    return datetime.fromtimestamp(ts or 0.0, tz=timezone.utc)


def _intents_seen(conn: Connection, sender_ids: list[str]) -> dict[str, list[str]]:
    stmt = (
        select(turns.c.sender_id, turns.c.intent, func.min(turns.c.ts).label("first"))
        .where(turns.c.sender_id.in_(sender_ids), turns.c.intent.is_not(None))
        .group_by(turns.c.sender_id, turns.c.intent)
        .order_by("first", turns.c.intent)
    )
    seen: dict[str, list[str]] = {}
    for row in conn.execute(stmt):
        seen.setdefault(row.sender_id, []).append(row.intent)
    return seen


def _matching_snippets(conn: Connection, sender_ids: list[str], text: str) -> dict[str, str | None]:
    """Each conversation's first message containing ``text``, as the list shows it."""
    if _short(text):  # the page's few messages, matched as conversation_texts matched them
        needle, found = text.lower(), {}
        rows = conn.execute(select(messages.c.sender_id, messages.c.text, messages.c.shown)
                            .where(messages.c.sender_id.in_(sender_ids)).order_by(messages.c.id))
        for sender, message, shown in rows:
            if sender not in found and needle in message.lower():
                found[sender] = shown
        return found
    first = (
        select(func.min(messages.c.id).label("id"))
        .where(messages.c.sender_id.in_(sender_ids), _text_match(conn, text))
        .group_by(messages.c.sender_id)
    )
    ids = list(conn.execute(first).scalars())
    if not ids:
        return {}
    rows = conn.execute(select(messages.c.sender_id, messages.c.shown).where(messages.c.id.in_(ids)))
    return {row.sender_id: row.shown for row in rows}


def list_conversations(
    conn: Connection, *, filters: ConversationFilters | None = None, page: int = 1, per_page: int = 25
) -> ConversationPage:
    """One page of conversation summaries, most recently active first."""
    filters = filters or ConversationFilters()
    page, per_page = max(1, page), max(1, min(per_page, MAX_PER_PAGE))
    if not has_tables(conn):
        return ConversationPage(items=(), total=0, page=page, per_page=per_page)
    s = summaries.c
    matching = _filtered(conn, filters)
    total = None
    if conn.dialect.name == "sqlite" and (filters.text.strip() or filters.intent):
        # SQLite answers these from the list of matching ids, all of them sorted for the page. The ids
        # are filtered, sorted and counted (a window over them all, not a second pass) in the covering
        # index ix_conversation_summaries_filters; only the page's rows are read whole.
        keys = (_filtered(conn, filters, s.sender_id, s.last_at, func.count().over().label("matching"))
                .order_by(s.last_at.desc(), s.sender_id).limit(per_page).offset((page - 1) * per_page).subquery())
        rows = conn.execute(select(summaries, keys.c.matching).join(keys, keys.c.sender_id == s.sender_id)
                            .order_by(keys.c.last_at.desc(), keys.c.sender_id)).all()
        total = rows[0].matching if rows else None
    else:
        rows = conn.execute(matching.order_by(s.last_at.desc(), s.sender_id)
                            .limit(per_page).offset((page - 1) * per_page)).all()
    if total is None:  # past the last page, or counted apart
        total = conn.execute(select(func.count()).select_from(matching.subquery())).scalar() or 0
    ids = [row.sender_id for row in rows]
    intents = _intents_seen(conn, ids) if ids else {}
    text = filters.text.strip()
    snippets = _matching_snippets(conn, ids, text) if ids and text else {}
    items = tuple(
        ConversationSummary(
            sender_id=row.sender_id, started_at=_moment(row.started_at), last_at=_moment(row.last_at),
            turns=int(row.turns or 0), intents=tuple(intents.get(row.sender_id, ())), fallback=bool(row.fallback),
            lowest_confidence=None if row.lowest_confidence is None else float(row.lowest_confidence),
            handoff=bool(row.handoff), snippet=snippets.get(row.sender_id) if text else row.first_text,
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
