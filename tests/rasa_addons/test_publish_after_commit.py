"""A broker without ``publish_encoded`` (Rasa's Pika broker in the scaled mode) gets a turn's
events only once they are committed to the tracker store, on both save paths, and none
when the write fails: the console's summaries never count a turn that no transcript has
(tests/e2e/test_scale_out.py saw one more turn than stored messages after a replica was
killed between the stock order's publish and commit). Runs in .venv-rasa."""

from __future__ import annotations

from tests.rasa_addons.rasa_env import run_in_rasa

SCRIPT = r"""
import asyncio, json, os, tempfile
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
import rasa_addons  # noqa: F401
from rasa_addons.tracker_store import WindowedSQLTrackerStore

folder = tempfile.mkdtemp()
db = os.path.join(folder, "t.db")
domain = Domain.from_yaml("intents: [greet]")


class Recording:
    # What a publish-only broker (Rasa's PikaEventBroker) sees, with the rows stored at that moment.
    def __init__(self):
        self.seen = []

    def publish(self, event):
        with sa.create_engine(f"sqlite:///{db}").connect() as conn:
            stored = conn.execute(sa.text("SELECT count(*) FROM events WHERE type_name = 'user'")).scalar()
        self.seen.append((event["event"], stored))


broker = Recording()
store = WindowedSQLTrackerStore(domain=domain, event_broker=broker, dialect="sqlite", db=db)


def turn(i):
    return [UserUttered(f"hi {i}", {"name": "greet", "confidence": 0.9}), ActionExecuted("utter_greet"),
            BotUttered(f"hello {i}"), ActionExecuted("action_listen")]


async def main():
    tracker = DialogueStateTracker("v1", domain.slots)
    for event in [ActionExecuted("action_listen")] + turn(0):
        tracker.update(event)
    await store.save(tracker)  # a new conversation: the stock save path
    tracker = await store.retrieve("v1")
    for event in turn(1):
        tracker.update(event)
    await store.save(tracker)  # the windowed path
    users_before_failure = [seen for seen in broker.seen if seen[0] == "user"]
    # A write that fails (the table is gone) publishes nothing.
    tracker = await store.retrieve("v1")
    with store.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE events RENAME TO events_away"))
    published = len(broker.seen)
    for event in turn(2):
        tracker.update(event)
    failed = None
    try:
        await store.save(tracker)
    except Exception as exc:  # noqa: BLE001
        failed = type(exc).__name__
    return {"users": users_before_failure, "failed": failed, "after_failure": len(broker.seen) - published}


print(json.dumps(asyncio.run(main())))
"""


def test_a_publish_only_broker_gets_events_after_they_are_stored_and_none_of_a_failed_write():
    result = run_in_rasa("-c", SCRIPT)
    # Each visitor message was already in the store when the broker got it: 1 row at the
    # first turn's publish, 2 at the second's (stock Rasa publishes first: 0 and 1).
    assert result["users"] == [["user", 1], ["user", 2]]
    assert result["failed"] is not None and result["after_failure"] == 0
