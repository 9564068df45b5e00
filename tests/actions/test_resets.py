"""Session starts and restarts keep a chat paused while an agent holds it, and act as Rasa's defaults otherwise."""

from contextlib import contextmanager

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import OperationalError

import actions.unit_of_work as uow
from actions.resets import ActionRestart, ActionSessionStart
from bot.handoff import request_handoff
from bot.handoff_sessions import hand_back, take_handoff
from tests.actions.conftest import make_tracker, run

STARTED = ["session_started", "action:action_listen"]
RESTARTED = ["restart"]
RESETS = [(ActionSessionStart, STARTED), (ActionRestart, RESTARTED)]
# Paused, Rasa predicts nothing after the reset, so the action_listen it would predict comes with it.
HELD = {ActionSessionStart: [*STARTED, "pause"], ActionRestart: [*RESTARTED, "action:action_listen", "pause"]}


def _events(action, sender: str) -> list[str]:
    dispatcher = CollectingDispatcher()
    events = run(action(), dispatcher, make_tracker(sender_id=sender))
    assert dispatcher.messages == []  # neither says anything
    return [e["event"] + (f":{e['name']}" if e["event"] == "action" else "") for e in events]


@pytest.mark.parametrize(("action", "default"), RESETS)
def test_an_ordinary_conversation_gets_rasas_default_events(session, action, default):
    assert _events(action, "fresh-visitor") == default


@pytest.mark.parametrize(("action", "default"), RESETS)
def test_a_chat_an_agent_holds_stays_paused(session, action, default):
    request_id = request_handoff(session, sender_id="held-visitor", reason="asked").id
    assert _events(action, "held-visitor") == default  # waiting in the queue: the bot still answers
    take_handoff(session, handoff_id=request_id, agent_name="Anna Berg")
    assert _events(action, "held-visitor") == HELD[action]
    assert _events(action, "someone-else") == default
    hand_back(session, handoff_id=request_id, agent_name="Anna Berg")
    assert _events(action, "held-visitor") == default


@pytest.mark.parametrize(("action", "default"), RESETS)
def test_with_the_database_down_they_still_reset(monkeypatch, action, default):
    @contextmanager
    def broken():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        yield  # pragma: no cover

    monkeypatch.setattr(uow, "session_scope", broken)
    assert _events(action, "anyone") == default
