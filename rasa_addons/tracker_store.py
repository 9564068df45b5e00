"""A SQL tracker store whose trackers carry only the recent turns.

Why: stock Rasa 3.6 rebuilds the tracker from *every* event of the session on
each message (`SQLTrackerStore.retrieve` -> `DialogueStateTracker.from_dict`)
and every policy then replays the whole history again
(`tracker.past_states` -> `generate_all_prior_trackers` / `applied_events`),
several times per predicted action. A turn therefore gets slower the longer
the conversation is, although the policies only look at the last few states
(MemoizationPolicy `max_history: 5`; RulePolicy only compares the
last `len(rule)` states).

What: `WindowedSQLTrackerStore.retrieve` returns a tracker made of

    head      the session's first events up to (not including) its first user
              message (`session_started`, the first `action_listen`, ...),
    snapshot  synthetic `SlotSet` events (and `ConversationPaused`/`Resumed`)
              that bring the slots to their values at the cut,
    tail      every event from the `action_listen` before the `min_turns`-th
              last user message to the end, as stored,

and remembers on the tracker how many of its events are already stored, so
`save` appends exactly the events added since (the stock `save` counts the
rows in the DB and would skip the first new events of a trimmed tracker).
The database keeps every event: only what the policies see in memory is
trimmed. `retrieve_full_tracker` (GET /conversations/<id>/tracker, the
console) is unchanged and reads everything.

The cut is only made where it cannot change what a policy sees:
- the tail holds at least `min_turns` user messages (default 10, i.e. about 20
  action states; our longest rule is 6 states) and at least `min_ml_turns`
  ActionExecuted events that ML policies do not hide (`hide_rule_turn`,
  default 8 > max_history 5 + 2, so the last 5 ML states and their
  "previous ML action" substitution come from the tail);
- no loop (form) is active at the cut (a form's `validate`/`rejected`/
  trigger state is not rebuilt from slots alone);
- no rewind / undo / restart in the tail, and no restart, rewind, undo or
  reminder anywhere before the cut in the session.
Otherwise the full session is loaded, exactly as the stock store does.

Every event is written as strict JSON (RFC 8259): Python's `json.dumps`, which
the stock store uses, writes a float that is not finite (an entity value
`1e999` from a `/intent{...}` payload, a NaN) as the bare tokens `Infinity` /
`NaN`, which no JSON reader but Python's accepts; the console's SQL then fails
on the row. Such floats are stored as the strings "Infinity", "-Infinity" and
"NaN" instead (`strict_json`): the rest of the event is kept, and a slot or
entity that was set stays set (a null would unset it after a reload) and
shows staff what was sent. Events published to the event broker are sanitised
the same way.

Between two messages of a conversation the tracker stays in memory
(`rasa_addons.tracker_cache`): the next `retrieve` takes it back after one
query that checks no other writer added an event since, instead of reading
and rebuilding it. Events are written with one multi-row INSERT.

Endpoint options (besides the stock SQL ones): `min_turns`, `min_ml_turns`,
`fetch_events` (rows read first, newest first; default 160), `max_events`
(give up windowing and load everything beyond this; default 2560),
`cached_trackers` (conversations kept in memory; default 256, 0 turns the
cache off) and `cached_max_events` (a longer tracker is read again, windowed;
default 100).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import math
from typing import Any, Dict, Iterable, List, Optional, Text

import sqlalchemy as sa
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ConversationPaused, ConversationResumed, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.core.tracker_store import SQLTrackerStore

from rasa_addons import fast_json
from rasa_addons.sqlite_files import wal_pragmas
from rasa_addons.tracker_cache import TrackerCache

logger = logging.getLogger(__name__)

# Attribute set on trackers returned by `retrieve`: how many of `tracker.events`
# are already in the database (or synthetic), i.e. where new events start.
STORED_EVENTS_ATTR = "_rasa_addons_stored_events"

# Event types whose effect on the tracker outlives the next turns; replayed
# (from the events before the cut) to build the snapshot.
_STATE_TYPES = (
    "slot", "reset_slots", "active_loop", "form", "loop_interrupted", "form_validation",
    "action_execution_rejected",
    "pause", "resume", "followup",
    # the ones below make windowing unsafe: load the full session instead
    "rewind", "undo", "restart", "reminder", "cancel_reminder",
)
_UNSAFE_BEFORE_CUT = {"rewind", "undo", "restart", "reminder", "cancel_reminder"}
_UNSAFE_IN_TAIL = {"rewind", "undo", "restart"}


def _finite(value: Any) -> Any:
    """`value` with every float that is not finite replaced by its name as a string."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def strict_json(data: Any) -> Text:
    """`json.dumps(data)`, but always valid JSON: non-finite floats become strings."""
    return _strict_json(data)[0]


def _strict_json(data: Any) -> "tuple[Text, bool]":
    """`strict_json(data)` and whether a non-finite float had to be replaced."""
    try:
        return fast_json.dumps(data, allow_nan=False), False
    except ValueError:  # only raised for inf / nan: walk the event just then
        return fast_json.dumps(_finite(data), allow_nan=False), True


class WindowedSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` whose `retrieve` returns only the recent part of a session."""

    def __init__(
        self,
        domain: Optional[Any] = None,
        min_turns: int = 10,
        min_ml_turns: int = 8,
        fetch_events: int = 160,
        max_events: int = 2560,
        cached_trackers: int = 256,
        cached_max_events: int = 100,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain=domain, **kwargs)
        self.cache = TrackerCache(size=cached_trackers, max_events=cached_max_events)
        events_table = self.engine.dialect.identifier_preparer.quote(self.SQLEvent.__tablename__)
        self._newest_row_sql = sa.text(f"SELECT max(id) FROM {events_table} WHERE sender_id = :sender_id")
        if self.engine.dialect.name == "sqlite" and isinstance(self.engine.pool, sa.pool.NullPool):
            self._pool_sqlite_connections()
        self.min_turns = max(int(min_turns), 1)
        self.min_ml_turns = max(int(min_ml_turns), 1)
        self.fetch_events = max(int(fetch_events), 16)
        self.max_events = max(int(max_events), self.fetch_events)

    def _pool_sqlite_connections(self) -> None:
        """Keep SQLite connections open between queries.

        SQLAlchemy 1.4 gives a SQLite file no connection pool (`NullPool`), so
        each of the store's sessions (two or three a message) opened the file
        again. Rasa handles messages on one thread; the pool hands a
        connection to one session at a time.

        The file runs in WAL mode with full sync: a commit (one a message) is
        still on disk when it returns, with one fsync instead of the rollback
        journal's several (0.2 ms instead of 1.3 ms a commit on this VM, about 8%
        of the server's CPU samples under load), and the console's readers in
        the gateway no longer wait for Rasa's writes.
        """
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, poolclass=sa.pool.QueuePool, pool_size=2, max_overflow=8,
            connect_args={"check_same_thread": False},
        )
        sa.event.listen(self.engine, "connect", wal_pragmas("FULL"))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    # ------------------------------------------------------------------ retrieve
    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """Tracker of the latest session: head + slot snapshot + recent turns."""
        cached = self.cache.take(sender_id, lambda: self._newest_row_id(sender_id))
        if cached is not None:
            return cached
        with self.session_scope() as session:
            events = self._windowed_events(session, sender_id)
        if events is None:  # windowing not safe here: stock behaviour
            tracker = await super().retrieve(sender_id)
        elif not events:
            return None
        else:
            tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if tracker is not None:
            setattr(tracker, STORED_EVENTS_ATTR, len(tracker.events))
        return tracker

    def _session_query(self, session: Any, sender_id: Text) -> Any:
        """Events of `sender_id`'s latest session (same filter as the stock store)."""
        E = self.SQLEvent
        start = (
            session.query(sa.func.max(E.timestamp))
            .filter(E.sender_id == sender_id, E.type_name == SessionStarted.type_name)
            .scalar()
        )
        query = session.query(E).filter(E.sender_id == sender_id)
        if start is not None:
            query = query.filter(E.timestamp >= start)
        return query

    def _windowed_events(self, session: Any, sender_id: Text) -> Optional[List[Dict[Text, Any]]]:
        """Event dicts for the windowed tracker; `None` means "load the full session"."""
        query = self._session_query(session, sender_id)
        E = self.SQLEvent
        limit = self.fetch_events
        while True:
            rows = query.order_by(E.id.desc()).limit(limit).all()
            complete = len(rows) < limit  # we have the whole session
            found = self._find_cut(rows)
            if found == "unsafe":
                return None
            if found is not None and found != "start":
                break
            if complete or found == "start":
                # short session: nothing to trim, same events as the stock store
                return [json.loads(row.data) for row in reversed(rows)]
            if limit >= self.max_events:
                return None
            limit = min(limit * 4, self.max_events)

        cut, tail = found
        cut_id = rows[cut].id
        # head: the session's events before its first user message
        head_rows = query.filter(E.id < cut_id).order_by(E.id).limit(64).all()
        head: List[Dict[Text, Any]] = []
        head_last_id = None
        for row in head_rows:
            if row.type_name == "user":
                break
            head.append(json.loads(row.data))
            head_last_id = row.id
        else:
            return None  # unusually long head: don't bother
        # state-changing events between the head and the cut
        middle_query = query.filter(E.id < cut_id, E.type_name.in_(_STATE_TYPES))
        if head_last_id is not None:
            middle_query = middle_query.filter(E.id > head_last_id)
        middle_rows = middle_query.order_by(E.id).all()
        if any(row.type_name in _UNSAFE_BEFORE_CUT for row in middle_rows):
            return None
        middle = [json.loads(row.data) for row in middle_rows]

        slots = self.domain.slots
        after_head = DialogueStateTracker.from_dict(sender_id, head, slots)
        at_cut = DialogueStateTracker.from_dict(sender_id, head + middle, slots)
        if at_cut.active_loop_name is not None:
            return None  # a form is active at the cut: keep its full history
        snapshot: List[Dict[Text, Any]] = []
        for name, slot in at_cut.slots.items():
            before = after_head.slots.get(name)
            if before is None or before.value != slot.value:
                snapshot.append(SlotSet(name, slot.value).as_dict())
        if at_cut.is_paused() and not after_head.is_paused():
            snapshot.append(ConversationPaused().as_dict())
        elif after_head.is_paused() and not at_cut.is_paused():
            snapshot.append(ConversationResumed().as_dict())
        logger.debug(
            f"Windowed tracker for '{sender_id}': {len(head)} head + {len(snapshot)} "
            f"snapshot + {len(tail)} recent events."
        )
        return head + snapshot + tail

    def _find_cut(self, rows_desc: List[Any]) -> Any:
        """Find the cut in rows given newest first.

        Returns `(index_of_cut_row, tail_event_dicts_oldest_first)`, `None` if
        the rows don't reach back far enough, "start" if they hold the whole
        session and no cut fits, or "unsafe".
        """
        user_turns = 0
        ml_turns = 0
        tail_desc: List[Dict[Text, Any]] = []
        for index, row in enumerate(rows_desc):
            type_name = row.type_name
            if type_name in _UNSAFE_IN_TAIL:
                return "unsafe"
            if type_name == SessionStarted.type_name:
                return "start"  # the whole session is in `rows_desc`: nothing to trim
            event = json.loads(row.data)
            tail_desc.append(event)
            if type_name == "user":
                user_turns += 1
            elif type_name == "action":
                if not event.get("hide_rule_turn"):
                    ml_turns += 1
                if (
                    event.get("name") == ACTION_LISTEN_NAME
                    and index > 0
                    and rows_desc[index - 1].type_name == "user"
                    and user_turns >= self.min_turns
                    and ml_turns >= self.min_ml_turns
                ):
                    return index, list(reversed(tail_desc))
        return None

    # ---------------------------------------------------------------------- save
    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the events added since `retrieve` (all events stay in the DB)."""
        sender_id = tracker.sender_id
        stored = getattr(tracker, STORED_EVENTS_ATTR, None)
        if stored is None or stored > len(tracker.events):
            # not one of our windowed trackers (new tracker, full tracker,
            # tracker replaced through the HTTP API): the stock store's way of
            # finding the new events (count the session's rows), our writing
            self.cache.drop(sender_id)
            with self.session_scope() as session:
                new_events = list(self._additional_events(session, tracker))
                last_id = self._add_events(session, sender_id, new_events)
                session.commit()
            if self.event_broker is not None:  # stored first, then published: see `_write_rows`
                await self._stream_new_events(self.event_broker, new_events, sender_id)
            if len(new_events) == len(tracker.events):  # a new conversation: DB and tracker agree
                setattr(tracker, STORED_EVENTS_ATTR, len(tracker.events))
                self.cache.put(sender_id, last_id, tracker)
            logger.debug(f"Tracker with sender_id '{sender_id}' stored to database")
            return
        new_events = list(itertools.islice(tracker.events, stored, None))
        publish_encoded = getattr(self.event_broker, "publish_encoded", None)
        rows, rewritten = self._event_rows(sender_id, new_events)
        # The commit waits for the disk (an fsync on SQLite, a WAL flush on PostgreSQL): in a
        # worker thread, the event loop goes on with other conversations' turns meanwhile.
        last_id = await asyncio.to_thread(self._write_rows, sender_id, rows, rewritten, publish_encoded)
        if self.event_broker is not None and publish_encoded is None:
            await self._stream_new_events(self.event_broker, new_events, sender_id)
        setattr(tracker, STORED_EVENTS_ATTR, len(tracker.events))
        self.cache.put(sender_id, last_id, tracker)
        logger.debug(f"Tracker with sender_id '{sender_id}' stored to database")

    def _add_events(self, session: Any, sender_id: Text, new_events: Iterable[Any]) -> Optional[int]:
        """Insert one row per event, its data as strict JSON (the stock columns otherwise).

        Returns the id of the conversation's newest row, read in the same
        transaction: Rasa's lock store lets one writer at a time handle a
        conversation, so that is the last row written here. Returns None when
        a value had to be rewritten for strict JSON: the tracker in memory
        then differs from the stored one and must not be kept in the cache.
        """
        return self._insert_rows(session, sender_id, *self._event_rows(sender_id, new_events))

    def _insert_rows(self, session: Any, sender_id: Text, rows: List[Dict[Text, Any]], rewritten: bool) -> Optional[int]:
        """Insert event rows made by `_event_rows`; the newest row id as `_add_events` returns it."""
        if rows:
            session.execute(self.SQLEvent.__table__.insert(), rows)
        return None if rewritten else self._newest_row_id(sender_id, session)

    def _write_rows(
        self, sender_id: Text, rows: List[Dict[Text, Any]], rewritten: bool, publish_encoded: Any = None
    ) -> Optional[int]:
        """`_insert_rows` in a transaction of its own (run in a worker thread), then published.

        Every broker gets a turn's events after they are committed, never before (stock Rasa
        publishes first): a replica killed, or a write failed, between the two would
        otherwise leave the console a turn that is in no transcript. One killed after the
        commit leaves the broker without the events, and the sweep below brings them.
        `publish_encoded` (``rasa_addons.sql_broker``) gets the JSON just stored, so an event
        is built and encoded once for both. A failed publish is logged, not raised: the
        turn is stored, and the console's feed sweeps the tracker store for events the
        broker missed (bot/summaries/sweep.py).
        """
        with self.session_scope() as session:
            last_id = self._insert_rows(session, sender_id, rows, rewritten)
            session.commit()
        if publish_encoded is not None and rows:
            try:
                publish_encoded(sender_id, [row["data"] for row in rows])
            except Exception:  # noqa: BLE001 - the sweep delivers them
                logger.exception(f"Publishing the events of '{sender_id}' to the event broker failed.")
        return last_id

    @staticmethod
    def _event_rows(sender_id: Text, new_events: Iterable[Any]) -> "tuple[List[Dict[Text, Any]], bool]":
        """The rows of ``new_events`` (data as strict JSON) and whether a value had to be rewritten for it."""
        rows = []
        rewritten = False
        for event in new_events:
            data = event.as_dict()
            text, replaced = _strict_json(data)
            rewritten = rewritten or replaced
            rows.append({
                "sender_id": sender_id,
                "type_name": event.type_name,
                "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                "action_name": data.get("name"),
                "data": text,
            })
        return rows, rewritten

    def _newest_row_id(self, sender_id: Text, session: Any = None) -> Optional[int]:
        """Id of `sender_id`'s newest event row (None if it has none).

        Asked before every message the cache answers, so it is a plain SQL text on a
        pooled connection: no ORM session, and no statement for SQLAlchemy to walk
        for its cache key on each call.
        """
        params = {"sender_id": sender_id}
        if session is not None:
            return session.execute(self._newest_row_sql, params).scalar()
        with self.engine.connect() as conn:
            return conn.execute(self._newest_row_sql, params).scalar()

    async def _stream_new_events(self, event_broker: Any, new_events: List[Any], sender_id: Text) -> None:
        """Publish like the stock store, with non-finite floats as strings (brokers dump with json).

        A broker with ``publish_many`` (``rasa_addons.sql_broker``) gets the turn's events at once.
        """
        bodies = [_finite({"sender_id": sender_id, **event.as_dict()}) for event in new_events]
        publish_many = getattr(event_broker, "publish_many", None)
        if publish_many is not None:
            publish_many(bodies)
            return
        for body in bodies:
            event_broker.publish(body)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Stream new events; for windowed trackers without a second retrieve."""
        stored = getattr(tracker, STORED_EVENTS_ATTR, None)
        if stored is None or self.event_broker is None:
            await super().stream_events(tracker)
            return
        new_events = list(itertools.islice(tracker.events, stored, None))
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
