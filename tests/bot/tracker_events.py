"""Writing tracker-store rows shaped like Rasa 3.6's SQLTrackerStore writes them (for read-model tests)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from bot.db import make_engine
from bot.summaries.apply import apply_events
from bot.summaries.backfill import row_event
from bot.summaries.status import report_alive
from bot.summaries.tables import ensure_tables
from bot.transcripts.store import events, metadata
from tests.postgres import fresh_postgres_database


@contextmanager
def tracker_database(dialect: str, directory: Path) -> Iterator[Engine]:
    """An empty tracker store (Rasa's events table): a SQLite file in ``directory``, or a fresh
    PostgreSQL database (skipped with the reason where the server is absent)."""
    if dialect == "sqlite":
        engine = make_engine(f"sqlite:///{directory / 'tracker.db'}")
        metadata.create_all(engine)
        with engine.begin() as conn:
            ensure_tables(conn)
        try:
            yield engine
        finally:
            engine.dispose()
        return
    with fresh_postgres_database() as url:
        engine = make_engine(url)
        metadata.create_all(engine)
        with engine.begin() as conn:
            ensure_tables(conn)
        try:
            yield engine
        finally:
            engine.dispose()


class TrackerWriter:
    """Appends events for one or more conversations; ``ts`` advances by a second per event."""

    def __init__(self, conn: Connection, start: float = 1_750_000_000.0) -> None:
        self.conn = conn
        self.ts = start
        self.rows: list[dict[str, Any]] = []

    def _add(self, sender: str, type_name: str, data: dict[str, Any], *, intent: str | None = None,
             action: str | None = None, at: float | None = None) -> None:
        self.ts = at if at is not None else self.ts + 1
        data = {"event": type_name, "timestamp": self.ts, **data}
        self.rows.append({"sender_id": sender, "type_name": type_name, "timestamp": self.ts,
                          "intent_name": intent, "action_name": action, "data": json.dumps(data)})

    def session(self, sender: str, at: float | None = None) -> TrackerWriter:
        self._add(sender, "action", {"name": "action_session_start"}, action="action_session_start", at=at)
        self._add(sender, "session_started", {})
        self._add(sender, "action", {"name": "action_listen"}, action="action_listen")
        return self

    def user(self, sender: str, text: str, intent: str, confidence: float, *, entities: list[dict] | None = None,
             ranking: list[tuple[str, float]] | None = None, metadata: dict | None = None,
             retrieval: str | None = None) -> TrackerWriter:
        ranking = ranking or [(intent, confidence)]
        parse = {
            "text": text, "intent": {"name": intent, "confidence": confidence},
            "entities": entities or [],
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        }
        if retrieval:
            parse["response_selector"] = {"all_retrieval_intents": [intent],
                                          "default": {"response": {"intent_response_key": retrieval}}}
        self._add(sender, "user", {"text": text, "parse_data": parse, "input_channel": "gateway",
                                   "metadata": metadata or {}}, intent=intent)
        return self

    def fallback(self, sender: str, text: str, best: str, best_confidence: float) -> TrackerWriter:
        return self.user(sender, text, "nlu_fallback", 0.45,
                         ranking=[("nlu_fallback", 0.45), (best, best_confidence), ("greet", 0.1)])

    def action(self, sender: str, name: str) -> TrackerWriter:
        self._add(sender, "action", {"name": name, "policy": "RulePolicy", "confidence": 1.0}, action=name)
        return self

    def bot(self, sender: str, text: str, *, utter: str | None = None, buttons: list[dict] | None = None,
            metadata: dict | None = None) -> TrackerWriter:
        meta = {**({"utter_action": utter} if utter else {}), **(metadata or {})}
        self._add(sender, "bot", {"text": text, "data": {"buttons": buttons}, "metadata": meta})
        return self

    def slot(self, sender: str, name: str, value: Any) -> TrackerWriter:
        self._add(sender, "slot", {"name": name, "value": value})
        return self

    def loop(self, sender: str, name: str | None) -> TrackerWriter:
        self._add(sender, "active_loop", {"name": name})
        return self

    def write(self) -> None:
        if self.rows:
            self.conn.execute(events.insert(), self.rows)
            publish(self.conn, self.rows)
            self.rows = []


def publish(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """What Rasa's event broker and the summary feed do with the events of ``rows`` (tracker rows).

    Rasa publishes each event it stores (its JSON, plus the sender id); the feed
    applies it to the console's summary tables. The tests write tracker rows
    themselves, so they publish them here.
    """
    ensure_tables(conn)
    apply_events(conn, ((row["sender_id"], row_event(row)) for row in rows))
    report_alive(conn, "tests")
