"""rasa_addons.tracker_copy: a copy made from the tracker's state equals Rasa's replayed copy.

Runs in .venv-rasa (Rasa is Python 3.10) through a small script. Random
conversations of every kind of event that changes a tracker's state (slots,
forms, interruptions, rejections, pauses, follow-ups, restarts, rewinds, session
starts) are copied after each event both ways, and every attribute is compared.
"""

from __future__ import annotations

import pytest

from tests.rasa_addons.rasa_env import run_in_rasa

SCRIPT = r"""
import dataclasses, json, random
from rasa.shared.core.events import (
    ActionExecuted, ActionExecutionRejected, ActionReverted, ActiveLoop, AllSlotsReset, BotUttered,
    ConversationPaused, ConversationResumed, EntitiesAdded, FollowupAction, LoopInterrupted,
    Restarted, SessionStarted, SlotSet, UserUttered, UserUtteranceReverted,
)
from rasa.shared.core.slots import AnySlot, ListSlot, TextSlot
from rasa.shared.core.trackers import DialogueStateTracker
import rasa_addons  # installs the copy
from rasa_addons.tracker_copy import _stock_copy, copy_tracker

rng = random.Random(7)
SLOTS = [TextSlot("email", mappings=[{}]), ListSlot("seen", mappings=[{}]), AnySlot("order", mappings=[{}])]

def event():
    kind = rng.randrange(16)
    if kind == 0: return UserUttered(rng.choice(["hi", "where is my order", "42"]),
                                     {"name": rng.choice(["greet", "order_status", "inform"]), "confidence": 0.9},
                                     [{"entity": "order_number", "value": "42", "start": 0, "end": 2}])
    if kind == 1: return ActionExecuted(rng.choice(["action_listen", "utter_greet", "order_form", "action_status"]))
    if kind == 2: return SlotSet(rng.choice(["email", "seen", "order", "nonexistent"]), rng.choice([None, "a@b.c", ["x"], {"n": 1}]))
    if kind == 3: return ActiveLoop(rng.choice(["order_form", None]))
    if kind == 4: return LoopInterrupted(rng.choice([True, False]))
    if kind == 5: return ActionExecutionRejected("order_form")
    if kind == 6: return rng.choice([ConversationPaused(), ConversationResumed()])
    if kind == 7: return FollowupAction("utter_greet")
    if kind == 8: return BotUttered(rng.choice(["Hello", "Your order has shipped"]))
    if kind == 9: return EntitiesAdded([{"entity": "email", "value": "a@b.c"}])
    if kind == 10 and rng.random() < 0.2: return Restarted()
    if kind == 11 and rng.random() < 0.3: return UserUtteranceReverted()
    if kind == 12 and rng.random() < 0.3: return ActionReverted()
    if kind == 13 and rng.random() < 0.2: return SessionStarted()
    if kind == 14 and rng.random() < 0.2: return AllSlotsReset()
    return ActionExecuted("action_listen")

def view(t):
    out = {}
    for name, value in vars(t).items():
        if name == "slots":
            value = {k: sorted(vars(s).items(), key=str) for k, s in value.items()}
        elif name == "active_loop":
            value = dataclasses.asdict(value) if value else value
        elif name == "events":
            value = [id(e) for e in value]
        elif name in ("latest_message", "latest_bot_utterance"):
            # one of the conversation's events, or the empty one a reset makes (its own timestamp)
            value = ["event", id(value)] if any(value is e for e in t.events) else {**value.as_dict(), "timestamp": 0}
        out[name] = repr(value)
    return out

out = {"installed": DialogueStateTracker.copy is copy_tracker, "compared": 0, "differences": [],
       "independent": True}
for conversation in range(300):
    tracker = DialogueStateTracker(f"c{conversation}", SLOTS, max_event_history=rng.choice([None, 40]))
    tracker.model_id, tracker.assistant_id, tracker.sender_source = "m", "a", "s"
    for _ in range(rng.randrange(1, 60)):
        tracker.update(event())
        stock, ours = _stock_copy(tracker), copy_tracker(tracker)
        out["compared"] += 1
        if view(stock) != view(ours):
            out["differences"].append([conversation, len(tracker.events), {k: [view(stock)[k], view(ours)[k]] for k in view(stock) if view(stock)[k] != view(ours)[k]}])
    # the copy is a tracker of its own: events and state added to it leave the original as it was
    before = view(tracker)
    ours = copy_tracker(tracker)
    for e in (ActiveLoop("order_form"), SlotSet("email", "z@z.z"), LoopInterrupted(True), ActionExecutionRejected("order_form"), ConversationPaused()):
        ours.update(e)
    if view(tracker) != before:
        out["independent"] = False
print(json.dumps({**out, "differences": out["differences"][:5]}))
"""


@pytest.fixture(scope="module")
def outcome() -> dict:
    return run_in_rasa("-c", SCRIPT)


def test_importing_the_addons_installs_the_copy(outcome):
    assert outcome["installed"] is True


def test_the_copy_equals_the_replayed_copy_after_every_event(outcome):
    assert outcome["compared"] > 3000
    assert outcome["differences"] == []


def test_changing_the_copy_leaves_the_original_as_it_was(outcome):
    assert outcome["independent"] is True
