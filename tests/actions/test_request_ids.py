"""The action server's log lines carry the gateway's request id from the message metadata."""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from sqlalchemy.exc import OperationalError

import actions.unit_of_work as uow
from actions.request_ids import bind, request_id_of, unbind
from bot.logging_setup import MaskingJsonFormatter, current_request_id
from bot.transcripts.masking import EMAIL_MASK
from rasa_sdk.executor import ActionExecutor

GIVEN = "0f8c2b1e-4d7a-4c53-9a61-2b7d3f0e9c11"


def _call(action: str, metadata: dict) -> dict:
    latest = {"text": "talk to a human, I am jane.doe@example.com", "intent": {"name": "human_handoff",
              "confidence": 0.99}, "entities": [], "metadata": metadata}
    tracker = {"sender_id": "test-visitor", "slots": {}, "latest_message": latest, "paused": False,
               "events": [{"event": "user", "text": latest["text"], "parse_data": latest, "metadata": metadata}],
               "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"}
    return {"next_action": action, "sender_id": "test-visitor", "tracker": tracker, "domain": {},
            "version": "3.6.21"}


def _request(call: dict, path: str = "/webhook"):
    return SimpleNamespace(path=path, headers={}, json=call, ctx=SimpleNamespace())


@pytest.fixture
def json_lines():
    """Records of the actions' loggers, formatted as the action server writes them in JSON mode."""
    formatter = MaskingJsonFormatter(process="actions")
    lines: list[dict] = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(formatter.format(record)))

    logger = logging.getLogger("actions")
    keep, level = Keep(), logger.level
    logger.addHandler(keep)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(keep)
    logger.setLevel(level)


@pytest.fixture
def db_down(monkeypatch):
    @contextmanager
    def scope():
        raise OperationalError("INSERT INTO handoff_sessions", {"email": "jane.doe@example.com"},
                               Exception("database is locked"))
        yield

    monkeypatch.setattr(uow, "session_scope", scope)


def test_every_line_of_an_action_run_carries_the_request_id(json_lines, db_down):
    executor = ActionExecutor()
    executor.register_package("actions")
    call = _call("action_handoff", {"source": "src-1", "request_id": GIVEN})

    async def webhook():
        request = _request(call)
        await bind(request)
        result = await executor.run(call)  # as rasa_sdk's /webhook handler does
        await unbind(request, SimpleNamespace(status=200))
        return result

    result = asyncio.run(webhook())
    assert [r["response"] for r in result.model_dump()["responses"]] == ["utter_handoff_unavailable"]
    messages = [line["message"] for line in json_lines]
    assert "shop database unavailable" in messages and "action action_handoff answered 200" in messages
    assert all(line["request_id"] == GIVEN for line in json_lines)
    text = json.dumps(json_lines, ensure_ascii=False)
    assert "jane.doe" not in text and EMAIL_MASK in text  # the exception text shows the SQL parameters
    assert current_request_id() is None


def test_a_call_without_a_valid_id_binds_none_so_nothing_leaks_from_an_earlier_call():
    async def two_calls():
        first = _request(_call("action_handoff", {"request_id": GIVEN}))
        await bind(first)
        # A keep-alive connection: the next call in the same task, the first never unbound.
        second = _request(_call("action_handoff", {"request_id": "bad id\r\n"}))
        await bind(second)
        seen = current_request_id()
        await unbind(second, SimpleNamespace(status=200))
        await unbind(first, SimpleNamespace(status=200))
        return seen

    assert asyncio.run(two_calls()) is None


@pytest.mark.parametrize("call, expected", [
    (_call("action_handoff", {"request_id": GIVEN}), GIVEN),
    (_call("action_handoff", {"request_id": "x" * 200}), None),
    (_call("action_handoff", {}), None),
    ({"next_action": "action_handoff", "tracker": {"latest_message": None}}, None),
    (None, None),
])
def test_the_request_id_is_read_from_the_latest_message_metadata(call, expected):
    assert request_id_of(call) == expected
