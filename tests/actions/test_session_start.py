"""A new Rasa session keeps a chat paused while an agent holds it, and starts as Rasa's default otherwise."""

from contextlib import contextmanager

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import OperationalError

import actions.unit_of_work as uow
from actions.session_start import ActionSessionStart
from bot.handoff import request_handoff
from bot.handoff_sessions import hand_back, take_handoff
from tests.actions.conftest import make_tracker, run


def _start(sender: str) -> list[str]:
    dispatcher = CollectingDispatcher()
    events = run(ActionSessionStart(), dispatcher, make_tracker(sender_id=sender))
    assert dispatcher.messages == []  # starting a session says nothing
    return [e["event"] + (f":{e['name']}" if e["event"] == "action" else "") for e in events]


def _queued(session, sender: str) -> int:
    return request_handoff(session, sender_id=sender, reason="asked", verified_order_number=None).id


def test_a_new_conversation_starts_like_rasas_default(session):
    assert _start("fresh-visitor") == ["session_started", "action:action_listen"]


def test_a_chat_an_agent_holds_stays_paused_in_the_new_session(session):
    request_id = _queued(session, "held-visitor")
    assert _start("held-visitor") == ["session_started", "action:action_listen"]  # waiting: the bot still answers
    take_handoff(session, handoff_id=request_id, agent_name="Anna Berg")
    assert _start("held-visitor") == ["session_started", "action:action_listen", "pause"]
    assert _start("someone-else") == ["session_started", "action:action_listen"]
    hand_back(session, handoff_id=request_id, agent_name="Anna Berg")
    assert _start("held-visitor") == ["session_started", "action:action_listen"]


def test_with_the_database_down_the_session_still_starts(monkeypatch):
    @contextmanager
    def broken():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        yield  # pragma: no cover

    monkeypatch.setattr(uow, "session_scope", broken)
    assert _start("anyone") == ["session_started", "action:action_listen"]
