"""The summary tables, kept in the tracker store's database beside Rasa's ``events``.

They are a derived read model: ``ensure_tables`` creates them, and when their
layout changes (``SCHEMA_VERSION``) drops and recreates them, and the caller
rebuilds them with the backfill. That is why they have no Alembic migration:
nothing in them is lost by a rebuild, and Rasa, not Alembic, owns that database.

- ``conversation_summaries``: one row per conversation, what the console's list shows
  and filters on, ordered by ``last_at``.
- ``conversation_turns``: one row per visitor message (intent, confidence, the intent
  ranked first when the fallback caught it, typed or a button).
- ``conversation_turn_days``: the turns counted per UTC day, intent, intent ranked first and
  typed or not (how many, how many with a confidence, their sum): what the analytics of a
  period's whole days read instead of the turns.
- ``conversation_marks``: the actions the console counts (handoff, fallback, "did you
  mean"), with their time.
- ``conversation_messages``: visitor and bot texts for transcript search, indexed by
  an FTS5 trigram table on SQLite and a ``pg_trgm`` GIN index on PostgreSQL (both
  answer the case-insensitive substring search the console offers).
- ``conversation_texts``: each conversation's messages lower-cased in one row, scanned by a
  search shorter than a trigram.
- ``conversation_erasures``: conversations erased by staff; events of theirs from
  before the erasure that arrive late (a broker backlog) are dropped.
- ``summary_feed``: how far each feed has read (the SQL broker's last row id), and
  when it last reported, which the console shows when it falls silent.
"""

from __future__ import annotations

import logging

from sqlalchemy import (
    Boolean, Column, Float, Index, Integer, MetaData, PrimaryKeyConstraint, String, Table, Text, UniqueConstraint,
    inspect, text,
)
from sqlalchemy.engine import Connection

logger = logging.getLogger(__name__)

# 5: conversation_turn_days; 6: conversation_messages.folded; 7: conversation_texts instead; 8: SQLite's
# ix_conversation_summaries_filters
SCHEMA_VERSION = 8
metadata = MetaData()

summaries = Table(
    "conversation_summaries", metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("started_at", Float, nullable=False),
    Column("last_at", Float, nullable=False),
    Column("turns", Integer, nullable=False, default=0),
    Column("fallback", Boolean, nullable=False, default=False),
    Column("handoff", Boolean, nullable=False, default=False),
    Column("lowest_confidence", Float),
    Column("first_text", Text),
    Column("first_turn_at", Float),  # the first visitor message (analytics count a conversation there)
    Index("ix_conversation_summaries_last", "last_at", "sender_id"),
    Index("ix_conversation_summaries_started", "started_at"),
    Index("ix_conversation_summaries_first_turn", "first_turn_at"),
)

turns = Table(
    "conversation_turns", metadata,
    Column("sender_id", String(255), nullable=False),
    Column("key", String(64), nullable=False),
    Column("ts", Float, nullable=False),
    Column("intent", String(255)),
    Column("ranked_intent", String(255)),  # the classifier's own top intent when nlu_fallback caught it
    Column("confidence", Float),
    Column("typed", Boolean, nullable=False),  # False for a button's "/intent" payload
    PrimaryKeyConstraint("sender_id", "key"),
    # Covering: the analytics of a period read this index alone, never the rows.
    Index("ix_conversation_turns_ts", "ts", "sender_id", "intent", "ranked_intent", "confidence", "typed"),
    # The list's intent filter reads sender ids in order (cheap to deduplicate); a period's count reads ts.
    Index("ix_conversation_turns_intent", "intent", "sender_id", "ts"),
    Index("ix_conversation_turns_sender", "sender_id", "ts"),
)

# The turns counted per UTC day, kept by ``apply`` as it inserts and deletes turns: the analytics
# of a period read the whole UTC days inside it here and only its partial days in the turns.
turn_days = Table(
    "conversation_turn_days", metadata,
    Column("day", Integer, nullable=False),  # whole UTC days since 1970 (``day_of``)
    Column("intent", String(255), nullable=False),  # "" for none (a key column cannot be NULL)
    Column("ranked_intent", String(255), nullable=False),  # "" for none
    Column("typed", Boolean, nullable=False),
    Column("messages", Integer, nullable=False),  # turns
    Column("scored", Integer, nullable=False),  # turns with a confidence
    Column("confidence_sum", Float, nullable=False),  # their confidences added up
    PrimaryKeyConstraint("day", "intent", "ranked_intent", "typed"),
)
DAY_SECONDS = 86_400
LAST_TURN_DAY = 2**31 - 1  # far past any period (the year 9999 ends on day 2,932,896): later turns share it


def day_of(ts: float) -> int:
    """The UTC day of a timestamp, exactly: ``day * 86400 <= ts < (day + 1) * 86400`` (clamped to
    ``LAST_TURN_DAY``), as a query comparing ``ts`` with those bounds sees it."""
    if ts >= (LAST_TURN_DAY + 1) * DAY_SECONDS:
        return LAST_TURN_DAY
    day = int(ts // DAY_SECONDS)
    if day * DAY_SECONDS > ts:  # integers times 86400 are exact; a float's quotient might round
        day -= 1
    elif (day + 1) * DAY_SECONDS <= ts:
        day += 1
    return day


marks = Table(
    "conversation_marks", metadata,
    Column("sender_id", String(255), nullable=False),
    Column("kind", String(32), nullable=False),  # handoff | default_fallback | suggest
    Column("ts", Float, nullable=False),
    PrimaryKeyConstraint("sender_id", "kind", "ts"),
    Index("ix_conversation_marks_kind", "kind", "ts", "sender_id"),
)

messages = Table(
    "conversation_messages", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(255), nullable=False),
    Column("key", String(64), nullable=False),
    Column("ts", Float, nullable=False),
    Column("kind", String(8), nullable=False),  # user | bot
    Column("text", Text, nullable=False),  # as sent (what search matches)
    Column("shown", Text),  # as the list shows it: the visible text (a button's title), collapsed and cut
    UniqueConstraint("sender_id", "key", name="uq_conversation_messages_key"),
)

# Every message of a conversation lower-cased (str.lower), one per line, in the order stored: what a
# search too short for a trigram reads (a tenth of the rows of the messages, no lower() per row).
# A needle that short, stripped, holds no line break, so it never matches across two messages.
texts = Table(
    "conversation_texts", metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("folded", Text, nullable=False),
)

erasures = Table(
    "conversation_erasures", metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("erased_at", Float, nullable=False),
)

feeds = Table(
    "summary_feed", metadata,
    Column("name", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("marker", String(64)),  # a digest of the row at ``position``, which the feed never prunes
    Column("alive_at", Float),  # when the feed last reported (every few seconds while it runs)
)

schema = Table(
    "summary_schema", metadata,
    Column("version", Integer, nullable=False),
)

_SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS conversation_messages_fts USING fts5("
    "text, content='conversation_messages', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS conversation_messages_fts_insert AFTER INSERT ON conversation_messages BEGIN "
    "INSERT INTO conversation_messages_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS conversation_messages_fts_delete AFTER DELETE ON conversation_messages BEGIN "
    "INSERT INTO conversation_messages_fts(conversation_messages_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
]
_SQLITE_SEARCH_DROP = [
    "DROP TRIGGER IF EXISTS conversation_messages_fts_delete",
    "DROP TRIGGER IF EXISTS conversation_messages_fts_insert",
    "DROP TABLE IF EXISTS conversation_messages_fts",
]
_POSTGRES_SEARCH = [
    "CREATE INDEX IF NOT EXISTS ix_conversation_messages_text_trgm "
    "ON conversation_messages USING gin (lower(text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_conversation_messages_sender ON conversation_messages (sender_id, ts)",
]
_SQLITE_SENDER_INDEX = "CREATE INDEX IF NOT EXISTS ix_conversation_messages_sender ON conversation_messages (sender_id, ts)"
# The list's columns by sender id: SQLite filters, sorts and counts the ids a search or an intent
# matches here without reading their rows (PostgreSQL walks the list by last_at instead).
_SQLITE_FILTER_INDEX = ("CREATE INDEX IF NOT EXISTS ix_conversation_summaries_filters ON conversation_summaries "
                        "(sender_id, lowest_confidence, last_at, started_at, fallback, handoff)")


def save_feed(conn: Connection, name: str, **values: object) -> None:
    """Set ``values`` on feed ``name``'s row of ``summary_feed``, making the row if it has none."""
    if conn.execute(feeds.update().where(feeds.c.name == name).values(**values)).rowcount == 0:
        conn.execute(feeds.insert().values(**{"position": 0, **values, "name": name}))


def has_tables(conn: Connection) -> bool:
    """Do the summary tables exist (at any version)?"""
    return inspect(conn).has_table("summary_schema")


def _version(conn: Connection) -> int | None:
    if not has_tables(conn):
        return None
    return conn.execute(schema.select()).scalar()


def _postgres_trigram(conn: Connection) -> bool:
    """Make pg_trgm available; False (search then scans) where the role may not create it."""
    if conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first():
        return True
    try:
        with conn.begin_nested():
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        return True
    except Exception as error:  # noqa: BLE001 - any refusal: go on without the index
        logger.warning("pg_trgm is not available (%s): transcript search will scan", error)
        return False


def drop_tables(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for statement in _SQLITE_SEARCH_DROP:
            conn.execute(text(statement))
    metadata.drop_all(conn)


def ensure_tables(conn: Connection) -> bool:
    """Create the summary tables if missing or of an older layout; True when they start empty.

    The caller commits, and runs the backfill when this returns True.
    """
    version = _version(conn)
    if version == SCHEMA_VERSION:
        return False
    if version is not None:
        logger.info("summary tables are at layout %s, not %s: rebuilding them", version, SCHEMA_VERSION)
        drop_tables(conn)
    metadata.create_all(conn)
    if conn.dialect.name == "sqlite":
        for statement in [*_SQLITE_SEARCH, _SQLITE_SENDER_INDEX, _SQLITE_FILTER_INDEX]:
            conn.execute(text(statement))
    elif conn.dialect.name == "postgresql":
        statements = _POSTGRES_SEARCH if _postgres_trigram(conn) else _POSTGRES_SEARCH[1:]
        for statement in statements:
            conn.execute(text(statement))
    conn.execute(schema.delete())
    conn.execute(schema.insert().values(version=SCHEMA_VERSION))
    return True
