"""rasa_addons.sql_broker with the windowed tracker store: the broker rows are the events as stored.

The store hands the broker the JSON it has just written (``publish_encoded``), so an
event is built and encoded once. The rows must hold what the stock way of publishing
(``{"sender_id": ..., **event.as_dict()}``, non-finite floats as strings) would, for
a new conversation (the stock save path) and for later turns (the windowed path).
Runs in .venv-rasa: the store and the broker are Rasa classes.
"""

from __future__ import annotations

from tests.rasa_addons.rasa_env import run_in_rasa

SCRIPT = r"""
import asyncio, json, os, tempfile
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
import rasa_addons  # noqa: F401
from rasa_addons.sql_broker import BatchedSQLEventBroker, with_sender
from rasa_addons.tracker_store import WindowedSQLTrackerStore, _finite

folder = tempfile.mkdtemp()
domain = Domain.from_yaml("slots:\n  brand:\n    type: any\n    mappings: [{type: custom}]\n")
broker = BatchedSQLEventBroker(db=os.path.join(folder, "broker.db"))
store = WindowedSQLTrackerStore(domain=domain, event_broker=broker, dialect="sqlite", db=os.path.join(folder, "t.db"))

def turn(i, value):
    return [UserUttered(f"message {i} ✓ \"quoted\"", {"name": "greet", "confidence": 0.5},
                        [{"entity": "brand", "value": value}]),
            SlotSet("brand", value), ActionExecuted("utter_greet"), BotUttered(f"hello {i}", {"elements": None}),
            ActionExecuted("action_listen")]

async def main():
    sent = []
    tracker = DialogueStateTracker("visitor \"1\" ü", domain.slots)
    for event in [ActionExecuted("action_listen")] + turn(0, "nike"):
        tracker.update(event)
    sent += list(tracker.events)
    await store.save(tracker)  # a new conversation: the stock save path
    for i, value in enumerate(["adidas", float("inf"), float("nan"), {"nested": [1.5, float("-inf")]}], start=1):
        tracker = await store.retrieve("visitor \"1\" ü")
        for event in turn(i, value):
            tracker.update(event)
            sent.append(event)
        await store.save(tracker)  # the windowed path
    return sent

sent = asyncio.run(main())
with broker.engine.connect() as conn:
    rows = conn.execute(sa.text("SELECT sender_id, data FROM events ORDER BY id")).all()
expected = [_finite({"sender_id": "visitor \"1\" ü", **e.as_dict()}) for e in sent]
stored = [json.loads(data) for _, data in rows]
print(json.dumps({
    "rows": len(rows), "sent": len(sent),
    "equal": stored == expected,
    "sender_ids": sorted({s for s, _ in rows}),
    "first_key": sorted({next(iter(json.loads(d))) for _, d in rows}),
    "splices": [with_sender('{"sender_id":"x"', "{}"), with_sender('{"sender_id":"x"', '{ "a":1}')],
}))
"""


def test_broker_rows_equal_the_stock_publish_of_every_stored_event():
    out = run_in_rasa("-c", SCRIPT)
    assert out["rows"] == out["sent"] == 26
    assert out["equal"] is True
    assert out["sender_ids"] == ['visitor "1" ü']
    assert out["first_key"] == ["sender_id"]
    assert out["splices"] == ['{"sender_id":"x"}', '{"sender_id":"x","a":1}']
