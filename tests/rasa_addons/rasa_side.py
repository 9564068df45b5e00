"""Checks of rasa_addons.tracker_store that need Rasa: run with .venv-rasa's Python.

    .venv-rasa/bin/python tests/rasa_addons/rasa_side.py '{"sqlite": [{"dialect": "sqlite", "db": "/tmp/x.db"}, "/tmp/ref.db"]}'

Holds conversations the way Rasa's processor does (retrieve, add the turn's
events, save) through both the stock SQLTrackerStore and WindowedSQLTrackerStore
on the same kind of DB, and after every user message compares what the
policies would see. Prints one JSON object with the findings; the pytest side
(test_tracker_store.py) asserts on it.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rasa.core.tracker_store import SQLTrackerStore  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402
from rasa.shared.core.events import (  # noqa: E402
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
    UserUtteranceReverted,
)

import rasa_addons  # noqa: E402,F401  (installs the add-ons, incremental past states among them)
from rasa_addons.tracker_store import STORED_EVENTS_ATTR, WindowedSQLTrackerStore  # noqa: E402

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
RULE_ONLY = {"rule_only_slots": [], "rule_only_loops": ["order_status_form"]}

_clock = [time.time() - 10_000]


def ts() -> float:
    _clock[0] += 0.01  # strictly increasing timestamps, like a real conversation
    return _clock[0]


def user(intent: str, text: str, entities=None) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.99}, entities or [], timestamp=ts(),
                       parse_data={"intent": {"name": intent, "confidence": 0.99}, "entities": entities or [],
                                   "text": text})


def act(name: str, hidden: bool = False) -> ActionExecuted:
    return ActionExecuted(name, policy="RulePolicy", confidence=1.0, hide_rule_turn=hidden, timestamp=ts())


def session_start() -> list:
    return [act("action_session_start"), SessionStarted(timestamp=ts()), act("action_listen")]


def chit(i: int) -> list:
    kind = i % 4
    if kind == 0:
        return [user("greet", "hi"), act("utter_greet"), BotUttered("Hi!", timestamp=ts()), act("action_listen")]
    if kind == 1:
        return [user("thank", "thanks"), act("utter_thank"), BotUttered("Welcome", timestamp=ts()), act("action_listen")]
    if kind == 2:  # only in rules: hidden from the ML policies
        return [user("bot_challenge", "are you a bot"), act("utter_iamabot", True),
                BotUttered("I'm a bot", timestamp=ts()), act("action_listen", True)]
    return [user("goodbye", "bye"), act("utter_goodbye"), BotUttered("Bye", timestamp=ts()), act("action_listen")]


def form_turns(number: str, email: str) -> list[list]:
    return [
        [user("order_status", "where is my order"), act("order_status_form"), ActiveLoop("order_status_form", timestamp=ts()),
         SlotSet("requested_slot", "order_number", timestamp=ts()), BotUttered("number?", timestamp=ts()), act("action_listen")],
        [user("inform", number, [{"entity": "order_number", "value": number}]), SlotSet("order_number", number, timestamp=ts()),
         act("order_status_form"), SlotSet("requested_slot", "email", timestamp=ts()), BotUttered("email?", timestamp=ts()),
         act("action_listen")],
        [user("inform", email, [{"entity": "email", "value": email}]), SlotSet("email", email, timestamp=ts()),
         act("order_status_form"), ActiveLoop(None, timestamp=ts()), SlotSet("requested_slot", None, timestamp=ts()),
         act("action_order_status"), SlotSet("verified_order", number, timestamp=ts()),
         BotUttered("shipped", timestamp=ts()), act("action_listen")],
    ]


def policy_view(tracker) -> dict:
    """What the policies and the processor read from a tracker."""
    ml = tracker.past_states(DOMAIN, ignore_rule_only_turns=True, rule_only_data=RULE_ONLY)
    rules = tracker.past_states(DOMAIN, rule_only_data=RULE_ONLY)
    return {
        "ml_states": json.dumps(ml[-5:], sort_keys=True, default=str),  # max_history 5
        "rule_states": json.dumps(rules[-12:], sort_keys=True, default=str),  # longest rule: 6 states
        "slots": {k: s.value for k, s in tracker.slots.items()},
        "active_loop": tracker.active_loop_name,
        "latest_action": tracker.latest_action_name,
        "latest_intent": tracker.latest_message.intent.get("name") if tracker.latest_message else None,
        "paused": tracker.is_paused(),
    }


STATE_OPTIONS = [{}, {"ignore_rule_only_turns": True, "rule_only_data": RULE_ONLY}, {"rule_only_data": RULE_ONLY},
                 {"omit_unset_slots": True}]
STATE_CHECKS = {"checked": 0, "different": []}


def check_states(tracker, where: str) -> None:
    """rasa_addons.past_states (installed) gives the states Rasa's own computation gives."""
    original = getattr(DialogueStateTracker, "_shop_original_past_states")
    for options in STATE_OPTIONS:
        STATE_CHECKS["checked"] += 1
        if tracker.past_states(DOMAIN, **options) != original(tracker, DOMAIN, **options):
            STATE_CHECKS["different"].append(f"{where} {options}")


async def converse(store, sender: str, turns: list[list], reference=None) -> dict:
    """Run `turns` through `store` like the processor; compare with a stock `reference` store."""
    mismatches, sizes, full_sizes = [], [], []
    for n, turn in enumerate(turns):
        tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
        check_states(tracker, f"{sender} turn {n} retrieved")
        first, rest = turn[0], turn[1:]
        tracker.update(first, DOMAIN)  # the user message: policies predict from here
        check_states(tracker, f"{sender} turn {n} user")
        if reference is not None:
            ref = await reference.get_or_create_tracker(sender, append_action_listen=False)
            ref.update(first, DOMAIN)
            if isinstance(first, UserUttered) and policy_view(tracker) != policy_view(ref):
                mismatches.append(n)
            for event in rest:
                ref.update(event, DOMAIN)
            await reference.save(ref)
            full_sizes.append(len(ref.events))
        for i, event in enumerate(rest):
            tracker.update(event, DOMAIN)
            check_states(tracker, f"{sender} turn {n} event {i}")
        sizes.append(len(tracker.events))
        await store.save(tracker)
    return {"mismatches": mismatches, "sizes": sizes, "full_sizes": full_sizes}


async def main(tracker_cfg: dict, reference_db: str) -> dict:
    windowed = WindowedSQLTrackerStore(domain=DOMAIN, **tracker_cfg)
    # the stock store, as the reference, on its own SQLite file
    stock = SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=reference_db)
    out: dict = {}

    # 1. long mixed conversation: chit-chat, a completed order form, more chit-chat
    turns = [session_start()] + [chit(i) for i in range(30)] + form_turns("100001", "emma.schmidt@example.com")
    turns += [chit(i) for i in range(40)]
    all_events = [e for t in turns for e in t]
    res = await converse(windowed, "long", turns, reference=stock)
    stored = await windowed.retrieve_full_tracker("long")
    out["long"] = {
        **res,
        "stored_events": len(stored.events),
        "expected_events": len(all_events),
        "stored_types": [e.type_name for e in stored.events] == [e.type_name for e in all_events],
        "stored_equal": [e.as_dict() for e in stored.events] == [e.as_dict() for e in all_events],
        "windowed_events": len((await windowed.retrieve("long")).events),
        # a store with nothing in memory (another process) reads the window from the DB
        "read_from_db_events": len((await fresh(tracker_cfg).retrieve("long")).events),
        "cached_max_events": windowed.cache.max_events,
        "cache_hits": windowed.cache.hits,
    }

    # 2. a form left open for many turns: never cut inside an active loop
    turns = [session_start()] + [chit(i) for i in range(12)] + form_turns("100002", "x@example.com")[:1]
    turns += [[user("bot_challenge", "bot?"), act("utter_iamabot"), BotUttered("bot", timestamp=ts()),
               act("order_status_form"), act("action_listen")] for _ in range(15)]
    res = await converse(windowed, "open-form", turns, reference=stock)
    full = await windowed.retrieve_full_tracker("open-form")
    out["open_form"] = {**res, "windowed_events": len((await fresh(tracker_cfg).retrieve("open-form")).events),
                        "full_events": len(full.events)}

    # 3. a rewind in the recent turns: load the full session
    turns = [session_start()] + [chit(i) for i in range(20)] + [[UserUtteranceReverted(timestamp=ts())]]
    turns += [chit(i) for i in range(3)]
    res = await converse(windowed, "rewind", turns, reference=stock)
    full = await windowed.retrieve_full_tracker("rewind")
    out["rewind"] = {**res, "windowed_events": len((await fresh(tracker_cfg).retrieve("rewind")).events),
                     "full_events": len(full.events)}

    # 4. a second session: the window only covers the latest session
    turns = [session_start()] + [chit(i) for i in range(25)] + [session_start()] + [chit(i) for i in range(25)]
    res = await converse(windowed, "sessions", turns, reference=stock)
    full = await windowed.retrieve_full_tracker("sessions")
    latest = await fresh(tracker_cfg).retrieve("sessions")  # as read from the DB
    out["sessions"] = {**res, "full_events": len(full.events), "windowed_events": len(latest.events),
                       "session_starts_in_window": sum(isinstance(e, SessionStarted) for e in latest.events)}

    # 5. saving twice the same tracker object does not duplicate events
    tracker = await windowed.retrieve("long")
    before = len((await windowed.retrieve_full_tracker("long")).events)
    for event in chit(0):
        tracker.update(event, DOMAIN)
    await windowed.save(tracker)
    await windowed.save(tracker)
    after = len((await windowed.retrieve_full_tracker("long")).events)
    out["double_save"] = {"added": after - before, "expected": len(chit(0)),
                          "marker": getattr(tracker, STORED_EVENTS_ATTR) == len(tracker.events)}

    # 6. floats that are not finite (`/greet{"brand":1e999}`): stored as strict JSON,
    #    by the stock path (first save of a new tracker) and the windowed one (later saves)
    out["non_finite"] = await non_finite(windowed)

    # 7. two processes (replicas) on one DB: the tracker kept in memory is used only while current
    out["replicas"] = await replicas(tracker_cfg)
    out["past_states"] = dict(STATE_CHECKS, different=STATE_CHECKS["different"][:10])
    return out


def fresh(tracker_cfg: dict) -> WindowedSQLTrackerStore:
    return WindowedSQLTrackerStore(domain=DOMAIN, **tracker_cfg)


def last_text(tracker) -> str | None:
    return tracker.latest_message.text if tracker.latest_message else None


async def replicas(tracker_cfg: dict) -> dict:
    a, b = fresh(tracker_cfg), fresh(tracker_cfg)
    await converse(a, "rep", [session_start(), chit(0)])
    hits = a.cache.hits
    first = await a.retrieve("rep")  # saved by this process, nobody wrote since: from memory
    from_memory = a.cache.hits == hits + 1
    first.update(user("thank", "one"), DOMAIN)
    await a.save(first)
    other = await b.retrieve("rep")  # the other replica reads the DB and adds a turn
    other.update(user("thank", "two"), DOMAIN)
    await b.save(other)
    again = await a.retrieve("rep")  # must see the other replica's turn, not its own old copy
    taken_twice = await a.retrieve("rep")  # retrieved twice without a save: the second one from the DB
    not_saved = await b.retrieve("rep")  # b kept its tracker; handle it, fail before saving ...
    not_saved.update(user("greet", "lost"), DOMAIN)
    after_failure = await b.retrieve("rep")  # ... the next message must not see the unsaved event
    off = fresh({**tracker_cfg, "cached_trackers": 0})
    await converse(off, "off", [session_start(), chit(0), chit(1)])
    return {
        "from_memory": from_memory,
        "sees_other_replica": last_text(again) == "two",
        "taken_once": taken_twice is not again and last_text(taken_twice) == "two",
        "unsaved_not_seen": last_text(after_failure) == "two",
        "cache_off": [len(off.cache), off.cache.hits, last_text(await off.retrieve("off"))],
        "events_in_db": len((await a.retrieve_full_tracker("rep")).events),
    }


def _strict(text: str):
    def refuse(token: str):
        raise ValueError(f"not JSON: {token}")
    return json.loads(text, parse_constant=refuse)


async def non_finite(windowed) -> dict:
    inf, nan = float("inf"), float("nan")
    odd = [{"entity": "brand", "value": inf}, {"entity": "price", "value": -inf}, {"entity": "size", "value": nan}]
    turns = [session_start() + [user("greet", '/greet{"brand":1e999}', odd), act("utter_greet"),
                                BotUttered("Hi!", timestamp=ts()), act("action_listen")]]
    turns += [chit(i) for i in range(3)]
    turns += [[user("inform", "x", [{"entity": "order_number", "value": inf}]), SlotSet("order_number", inf, timestamp=ts()),
               act("utter_greet"), BotUttered("Hi!", timestamp=ts()), act("action_listen")]]
    res = await converse(windowed, "non-finite", turns)
    with windowed.session_scope() as session:
        E = windowed.SQLEvent
        rows = session.query(E.type_name, E.data).filter(E.sender_id == "non-finite").order_by(E.id).all()
    invalid, parsed = [], []
    for type_name, data in rows:
        try:
            parsed.append(_strict(data))
        except ValueError as exc:
            invalid.append(f"{type_name}: {exc}")
    users = [e for e in parsed if e.get("event") == "user"]
    tracker = await windowed.retrieve("non-finite")
    full = await windowed.retrieve_full_tracker("non-finite")
    return {
        **res,
        "rows": len(rows),
        "expected_rows": sum(len(t) for t in turns),
        "invalid": invalid,
        "first_entities": [(e["entity"], e["value"]) for e in users[0]["parse_data"]["entities"]] if users else None,
        "first_text": users[0]["text"] if users else None,
        "slot_rows": [e["value"] for e in parsed if e.get("event") == "slot"],
        "slot_after_reload": tracker.get_slot("order_number"),
        "full_events": len(full.events),
    }


if __name__ == "__main__":
    # argv[1]: {"label": [tracker store kwargs, reference SQLite file], ...}
    runs = json.loads(sys.argv[1])
    print(json.dumps({label: asyncio.run(main(cfg, ref)) for label, (cfg, ref) in runs.items()}))
