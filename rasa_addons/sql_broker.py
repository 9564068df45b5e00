"""Rasa's SQL event broker, writing a turn's events in one transaction.

The stock ``SQLEventBroker`` opens a session and commits once per event (a
message's turn publishes six to ten), and on SQLite opens the file each time.
This one keeps a small connection pool, runs the file in WAL mode, and, through
``publish_encoded`` (which ``WindowedSQLTrackerStore`` calls with the JSON it has
just written to the tracker store), inserts a turn's events with one multi-row INSERT
and one commit, without building and encoding each event a second time. The table and its rows are the stock
broker's, so the console's feed (``bot.summaries.feed_sql``) reads either.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

import sqlalchemy as sa
from rasa.core.brokers.sql import SQLEventBroker

from rasa_addons import fast_json
from rasa_addons.sqlite_files import wal_pragmas


class BatchedSQLEventBroker(SQLEventBroker):
    """``SQLEventBroker`` with pooled connections and one transaction per turn."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=2, max_overflow=8,
                                           connect_args={"check_same_thread": False, "timeout": 15})
            # NORMAL: the broker rows a power cut could lose are re-read from the tracker store
            # by the summaries' sweep (bot/summaries/sweep.py).
            sa.event.listen(self.engine, "connect", wal_pragmas("NORMAL"))
            self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        self._table = self.SQLBrokerEvent.__table__

    def publish(self, event: Dict[Text, Any]) -> None:
        self.publish_many([event])

    def publish_many(self, events: List[Dict[Text, Any]]) -> None:
        """Append ``events`` (each with its ``sender_id``) in one transaction."""
        self._insert([{"sender_id": e.get("sender_id"), "data": fast_json.dumps(e)} for e in events])

    def publish_encoded(self, sender_id: Text, event_texts: List[Text]) -> None:
        """Append a conversation's events, given as the JSON objects of ``event.as_dict()``.

        Each row holds ``{"sender_id": ..., **event}``, as ``publish`` would write it.
        """
        head = '{"sender_id":' + fast_json.dumps(sender_id)
        self._insert([{"sender_id": sender_id, "data": with_sender(head, text)} for text in event_texts])

    def _insert(self, rows: List[Dict[Text, Any]]) -> None:
        if not rows:
            return
        with self.engine.begin() as conn:
            conn.execute(self._table.insert(), rows)


def with_sender(head: Text, event_text: Text) -> Text:
    """The JSON object ``event_text`` with the key ``sender_id`` first (``head`` is its opening)."""
    rest = event_text[1:].lstrip()
    return head + ("}" if rest.startswith("}") else "," + rest)
