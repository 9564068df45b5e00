"""Action tests: real Tracker objects, CollectingDispatcher, the test session."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from typing import Any

import pytest
from rasa_sdk import Tracker

import actions.unit_of_work as uow


@pytest.fixture(autouse=True)
def actions_use_test_session(session, monkeypatch):
    """Actions run their unit of work inside the test's rolled-back session."""

    @contextmanager
    def scope():
        yield session
        session.flush()

    monkeypatch.setattr(uow, "session_scope", scope)


def make_tracker(
    text: str = "",
    *,
    intent: str = "inform",
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    sender_id: str = "test-visitor",
    active_loop: str | None = None,
) -> Tracker:
    """A tracker whose latest message is ``text``."""
    return Tracker(
        sender_id=sender_id,
        slots=slots or {},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": entities or []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run(action, dispatcher, tracker, domain=None):
    return asyncio.run(action.run(dispatcher, tracker, domain or {}))
