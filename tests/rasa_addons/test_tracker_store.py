"""rasa_addons.tracker_store.WindowedSQLTrackerStore on SQLite and PostgreSQL.

The store needs Rasa (Python 3.10), so the checks run in .venv-rasa through
`rasa_side.py` (one subprocess for both databases) and are asserted here.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.postgres import fresh_postgres_database
from tests.rasa_addons.rasa_env import run_in_rasa


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("windowed-store")
    runs = {"sqlite": [{"dialect": "sqlite", "db": str(tmp / "tracker.db")}, str(tmp / "ref-sqlite.db")]}
    with ExitStack() as stack:
        try:
            url = stack.enter_context(fresh_postgres_database())
        except pytest.skip.Exception:
            url = None
        if url:
            runs["postgresql"] = [
                {"dialect": "postgresql", "host": "127.0.0.1", "port": 5432, "username": "postgres",
                 "db": url.rsplit("/", 1)[1]},
                str(tmp / "ref-postgresql.db"),
            ]
        return run_in_rasa(str(Path(__file__).with_name("rasa_side.py")), json.dumps(runs))


@pytest.fixture(params=["sqlite", "postgresql"])
def result(request, results) -> dict:
    if request.param not in results:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    return results[request.param]


def test_policies_see_the_same_states_and_slots_at_every_turn(result):
    for scenario in ("long", "open_form", "rewind", "sessions"):
        assert result[scenario]["mismatches"] == [], scenario


def test_the_database_keeps_every_event_in_order(result):
    long = result["long"]
    assert long["stored_events"] == long["expected_events"]
    assert long["stored_types"] and long["stored_equal"]


def test_long_conversations_are_windowed(result):
    long = result["long"]
    assert long["read_from_db_events"] < 60 < long["stored_events"]
    # kept in memory between messages, a tracker grows up to the cache's bound, then is read windowed again
    cap = long["cached_max_events"]
    assert long["windowed_events"] <= cap
    assert max(long["sizes"][-30:]) <= cap + 4  # flat (one turn is 4 events), not growing with the conversation
    assert long["full_sizes"][-1] > 250
    assert long["cache_hits"] > 50  # most messages did not rebuild the tracker


def test_a_tracker_kept_in_memory_is_used_only_while_no_one_else_wrote(result):
    rep = result["replicas"]
    assert rep["from_memory"]
    assert rep["sees_other_replica"]  # another Rasa process added a turn: read from the DB
    assert rep["taken_once"]  # never the same object to two readers
    assert rep["unsaved_not_seen"]  # a message that failed before its save leaves nothing behind
    assert rep["cache_off"] == [0, 0, "thanks"]
    assert rep["events_in_db"] == 3 + 4 + 2  # session start, one chit-chat turn, "one" and "two"


def test_no_cut_inside_an_active_form_or_after_a_rewind(result):
    for scenario in ("open_form", "rewind"):
        # the whole latest session (everything but the `action_session_start` before it)
        assert result[scenario]["windowed_events"] == result[scenario]["full_events"] - 1, scenario


def test_only_the_latest_session_is_loaded(result):
    sessions = result["sessions"]
    assert sessions["session_starts_in_window"] == 1
    assert sessions["windowed_events"] < 60 < sessions["full_events"]


def test_saving_twice_does_not_duplicate_events(result):
    assert result["double_save"] == {"added": 4, "expected": 4, "marker": True}


def test_floats_that_are_not_finite_are_stored_as_strict_json(result):
    # `/greet{"brand":1e999}` gives an entity value inf; json.dumps would write the bare token Infinity
    odd = result["non_finite"]
    assert odd["rows"] == odd["expected_rows"]
    assert odd["invalid"] == []
    assert odd["first_entities"] == [["brand", "Infinity"], ["price", "-Infinity"], ["size", "NaN"]]
    assert odd["first_text"] == '/greet{"brand":1e999}'  # the rest of the event is kept
    assert odd["slot_rows"] == ["Infinity"]
    assert odd["slot_after_reload"] == "Infinity"  # a slot that was set stays set
    assert odd["full_events"] == odd["expected_rows"]


def test_incremental_past_states_equal_rasas_own(result):
    # after every event of every scenario (forms, hidden rule turns, rewinds, sessions), four sets of options
    checks = result["past_states"]
    assert checks["checked"] > 2000
    assert checks["different"] == []
