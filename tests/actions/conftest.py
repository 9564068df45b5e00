"""Action tests: real Tracker objects, CollectingDispatcher, the test session."""

from __future__ import annotations

import asyncio
import functools
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker

import actions.unit_of_work as uow
from bot.settings import get_settings


@pytest.fixture(autouse=True)
def actions_use_test_session(session, monkeypatch):
    """Actions run their unit of work inside the test's rolled-back session."""

    @contextmanager
    def scope():
        yield session
        session.flush()

    monkeypatch.setattr(uow, "session_scope", scope)


@pytest.fixture(autouse=True)
def shop_sends_notices(monkeypatch):
    """As `make run`: the shop sends proactive messages, so the actions offer them (a test may turn it off)."""
    monkeypatch.setattr(get_settings(), "proactive_enabled", True)


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


@functools.cache
def domain() -> dict[str, Any]:
    """The bot's real domain.yml, as the action server receives it."""
    with open(Path(__file__).parents[2] / "domain.yml") as handle:
        return yaml.safe_load(handle)


def form_tracker(
    form: str, text: str, *, extracted: dict[str, Any], slots: dict[str, Any] | None = None,
    sender_id: str = "test-visitor",
) -> Tracker:
    """The tracker a form's validation action sees after Rasa extracted ``extracted`` from ``text``."""
    return Tracker(
        sender_id=sender_id,
        slots={**(slots or {}), **extracted},
        latest_message={"text": text, "intent": {"name": "inform", "confidence": 0.99}, "entities": []},
        events=[{"event": "slot", "name": name, "value": value} for name, value in extracted.items()],
        paused=False,
        followup_action=None,
        active_loop={"name": form},
        latest_action_name="action_listen",
    )


def validate(validator, tracker: Tracker):
    """Run a form validation action; returns (dispatcher, {slot: value} it set)."""
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    events = asyncio.run(validator.get_validation_events(dispatcher, tracker, domain()))
    return dispatcher, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def responses(dispatcher) -> list[str]:
    return [m["response"] for m in dispatcher.messages]
