"""Adding tracker events to the summary tables, idempotently and in any order.

A conversation's row keeps the earliest and latest event time (min/max), its turns,
marks and messages are keyed by the event, and its counts and flags are then
recomputed from those rows. Applying an event twice, or a batch out of order (two
RabbitMQ consumers, a backfill racing the broker), gives the same tables. The turns'
daily counts (``conversation_turn_days``) add up only the turns an INSERT actually
stored (its RETURNING rows), and an erasure takes away those its DELETE removed.

On PostgreSQL concurrent consumers are safe too: each batch first upserts its
conversations' rows in sender order, which locks them until commit, so two
batches about one conversation recompute one after the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import case, exists, func, or_, select, update
from sqlalchemy.engine import Connection, Row

from bot.db import conflict_insert
from bot.summaries.extract import FALLBACK_INTENT, clean, extract
from bot.summaries.tables import day_of, erasures, marks, messages, summaries, texts, turn_days, turns

_CHUNK = 400  # ids per IN (...) and rows per statement, well inside every database's limits


def _chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _erased(conn: Connection, senders: list[str]) -> dict[str, float]:
    found: dict[str, float] = {}
    for chunk in _chunks(senders):
        rows = conn.execute(select(erasures.c.sender_id, erasures.c.erased_at).where(erasures.c.sender_id.in_(chunk)))
        found.update({row.sender_id: row.erased_at for row in rows})
    return found


def _upsert_spans(conn: Connection, spans: dict[str, list[float]]) -> None:
    rows = [{"sender_id": s, "started_at": lo, "last_at": hi, "turns": 0, "fallback": False, "handoff": False}
            for s, (lo, hi) in sorted(spans.items())]
    earliest, latest = (func.least, func.greatest) if conn.dialect.name == "postgresql" else (func.min, func.max)
    # One statement compiled once, executed for many rows (SQLAlchemy batches them into multi-row
    # INSERTs where the driver allows); a VALUES list per batch would be compiled anew each time.
    stmt = conflict_insert(conn.dialect.name, summaries)
    stmt = stmt.on_conflict_do_update(index_elements=[summaries.c.sender_id], set_={
        "started_at": earliest(summaries.c.started_at, stmt.excluded.started_at),
        "last_at": latest(summaries.c.last_at, stmt.excluded.last_at),
    })
    if rows:
        conn.execute(stmt, rows)


def _insert_new(conn: Connection, table, rows: list[dict[str, Any]], *returning) -> list[Row]:
    """Insert the rows not stored yet; with ``returning`` columns, returns those of the rows it
    inserted (a row already there is not returned, so it is not counted again)."""
    if not rows:
        return []
    stmt = conflict_insert(conn.dialect.name, table).on_conflict_do_nothing()
    if not returning:
        conn.execute(stmt, rows)
        return []
    return list(conn.execute(stmt.returning(*returning), rows))


_TURN_FIGURES = (turns.c.ts, turns.c.intent, turns.c.ranked_intent, turns.c.confidence, turns.c.typed)


def _count_turns(conn: Connection, rows: Iterable[Row], sign: int) -> None:
    """Add (``sign`` +1) or take away (-1) turns inserted or deleted just now in ``conversation_turn_days``."""
    counts: dict[tuple[int, str, str, bool], list] = {}
    for ts, intent, ranked, confidence, typed in rows:
        n = counts.setdefault((day_of(float(ts)), intent or "", ranked or "", bool(typed)), [0, 0, 0.0])
        n[0] += 1
        if confidence is not None:
            n[1] += 1
            n[2] += float(confidence)
    if not counts:
        return
    d = turn_days.c
    # In key order: concurrent batches (PostgreSQL) lock the rows they add to in the same order.
    rows = [{"day": day, "intent": intent, "ranked_intent": ranked, "typed": typed,
             "messages": sign * n, "scored": sign * scored, "confidence_sum": sign * total}
            for (day, intent, ranked, typed), (n, scored, total) in sorted(counts.items())]
    stmt = conflict_insert(conn.dialect.name, turn_days)
    scored = d.scored + stmt.excluded.scored
    conn.execute(stmt.on_conflict_do_update(index_elements=[d.day, d.intent, d.ranked_intent, d.typed], set_={
        "messages": d.messages + stmt.excluded.messages,
        "scored": scored,
        # Back to exactly 0 when the last scored turn is gone (an erasure), not a rounding error's worth.
        "confidence_sum": case((scored == 0, 0.0), else_=d.confidence_sum + stmt.excluded.confidence_sum),
    }), rows)
    if sign < 0:
        conn.execute(turn_days.delete().where(d.messages <= 0, d.day.in_(sorted({r["day"] for r in rows}))))


def _add_texts(conn: Connection, inserted: Iterable[Row]) -> None:
    """Append the messages inserted just now to their conversations' ``conversation_texts`` rows."""
    added: dict[str, list[str]] = {}
    for sender, text in inserted:
        added.setdefault(sender, []).append(text.lower())
    if not added:
        return
    stmt = conflict_insert(conn.dialect.name, texts)
    conn.execute(stmt.on_conflict_do_update(index_elements=[texts.c.sender_id], set_={
        "folded": texts.c.folded + "\n" + stmt.excluded.folded,
    }), [{"sender_id": s, "folded": "\n".join(lines)} for s, lines in sorted(added.items())])


def recompute(conn: Connection, senders: Iterable[str]) -> None:
    """Bring the conversations' counts, flags and first message in line with their rows."""
    row = summaries.c.sender_id
    of_turn, of_mark, of_message = turns.c.sender_id == row, marks.c.sender_id == row, messages.c.sender_id == row
    first_user = (select(messages.c.shown)
                  .where(of_message, messages.c.kind == "user")
                  .order_by(messages.c.ts, messages.c.id).limit(1).scalar_subquery())
    values = {
        "turns": select(func.count()).where(of_turn).scalar_subquery(),
        "first_turn_at": select(func.min(turns.c.ts)).where(of_turn).scalar_subquery(),
        "lowest_confidence": select(func.min(turns.c.confidence)).where(of_turn).scalar_subquery(),
        "fallback": or_(exists().where(of_turn, turns.c.intent == FALLBACK_INTENT),
                        exists().where(of_mark, marks.c.kind == "default_fallback")),
        "handoff": exists().where(of_mark, marks.c.kind == "handoff"),
        "first_text": first_user,
    }
    for chunk in _chunks(sorted(set(senders))):
        conn.execute(update(summaries).where(row.in_(chunk)).values(values))


def apply_events(conn: Connection, items: Iterable[tuple[str | None, dict[str, Any]]]) -> int:
    """Add ``(sender_id, event)`` pairs to the summaries; returns how many events were kept.

    The caller owns the transaction. Events without a sender, and events of an erased
    conversation from before its erasure, are dropped.
    """
    batch = [(clean(s[:255]), e) for s, e in items if isinstance(s, str) and s and isinstance(e, dict)]
    if not batch:
        return 0
    erased = _erased(conn, sorted({s for s, _ in batch}))
    spans: dict[str, list[float]] = {}
    turn_rows: list[dict[str, Any]] = []
    mark_rows: dict[tuple[str, str, float], dict[str, Any]] = {}
    message_rows: list[dict[str, Any]] = []
    kept = 0
    for sender, event in batch:
        found = extract(event)
        if sender in erased and found.ts <= erased[sender]:
            continue
        kept += 1
        span = spans.setdefault(sender, [found.ts, found.ts])
        span[0], span[1] = min(span[0], found.ts), max(span[1], found.ts)
        if found.turn:
            t = found.turn
            turn_rows.append({"sender_id": sender, "key": t.key, "ts": t.ts, "intent": t.intent,
                              "ranked_intent": t.ranked_intent, "confidence": t.confidence, "typed": t.typed})
        if found.mark:
            mark_rows[(sender, found.mark, found.ts)] = {"sender_id": sender, "kind": found.mark, "ts": found.ts}
        if found.message:
            m = found.message
            message_rows.append({"sender_id": sender, "key": m.key, "ts": m.ts, "kind": m.kind, "text": m.text,
                                 "shown": m.shown})
    if not spans:
        return 0
    _upsert_spans(conn, spans)
    _count_turns(conn, _insert_new(conn, turns, _unique(turn_rows), *_TURN_FIGURES), +1)
    _insert_new(conn, marks, list(mark_rows.values()))
    _add_texts(conn, _insert_new(conn, messages, _unique(message_rows), messages.c.sender_id, messages.c.text))
    recompute(conn, spans)
    return kept


def _unique(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (sender, key): a multi-row INSERT ... ON CONFLICT may not name a row twice."""
    return list({(r["sender_id"], r["key"]): r for r in rows}.values())


def forget(conn: Connection, *, sender_id: str, erased_at: float) -> None:
    """Erase a conversation's summaries and remember the erasure (late broker events are dropped)."""
    _count_turns(conn, conn.execute(turns.delete().where(turns.c.sender_id == sender_id).returning(*_TURN_FIGURES)), -1)
    for table in (marks, messages, texts, summaries):
        conn.execute(table.delete().where(table.c.sender_id == sender_id))
    stmt = conflict_insert(conn.dialect.name, erasures).values(sender_id=sender_id, erased_at=erased_at)
    conn.execute(stmt.on_conflict_do_update(index_elements=[erasures.c.sender_id],
                                            set_={"erased_at": stmt.excluded.erased_at}))
