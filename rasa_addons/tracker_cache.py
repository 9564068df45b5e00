"""Trackers kept in memory between two messages of a conversation, checked against the DB.

Why: on every message Rasa reads the conversation from the tracker store and
rebuilds it (SQL, JSON decoding, replaying the events), although the same
process saved that very tracker at the end of the previous message. Under
load this was about a quarter of the Rasa server's CPU (py-spy, issue #16).

What: after `save` the store hands the tracker to this cache together with
the id of the last event row it wrote. `take` gives the tracker back only if
that id is still the newest event row of the conversation in the database,
so a tracker is never used when anything else has written to the
conversation since: another Rasa replica, the HTTP API replacing a tracker,
an erasure. The check is one indexed query instead of a rebuild.

A tracker is *taken* (removed from the cache), never shared: Rasa changes
the tracker it gets while it handles the message. If handling fails before
`save`, nothing stale remains; the next message reads the database. Two
readers at once (the HTTP API while a message is handled) get the cached
object once and the database otherwise.

The cache holds at most `size` conversations (least recently saved go
first) and only trackers of at most `max_events` events, so the policies'
work per message and the memory stay bounded (a longer tracker is read
again, windowed, from the database).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Optional, Text, Tuple


class TrackerCache:
    """Least-recently-saved cache of `sender_id -> (last event row id, tracker)`."""

    def __init__(self, size: int = 256, max_events: int = 100) -> None:
        self.size = max(int(size), 0)
        self.max_events = max(int(max_events), 1)
        self._entries: "OrderedDict[Text, Tuple[int, Any]]" = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, sender_id: Text, last_row_id: Optional[int], tracker: Any) -> None:
        """Keep `tracker`, saved up to event row `last_row_id`, for the next message."""
        self._entries.pop(sender_id, None)
        if last_row_id is None or self.size == 0 or len(tracker.events) > self.max_events:
            return
        self._entries[sender_id] = (last_row_id, tracker)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def take(self, sender_id: Text, newest_row_id: Any) -> Optional[Any]:
        """The cached tracker if the DB's newest event row is still the one it was saved with.

        `newest_row_id` is a callable returning that id; it is only called when
        a tracker is cached, so a miss costs no query.
        """
        entry = self._entries.pop(sender_id, None)
        if entry is None:
            self.misses += 1
            return None
        last_row_id, tracker = entry
        if newest_row_id() != last_row_id:
            self.misses += 1
            return None
        self.hits += 1
        return tracker

    def drop(self, sender_id: Text) -> None:
        """Forget `sender_id` (its tracker was replaced or is being saved another way)."""
        self._entries.pop(sender_id, None)
