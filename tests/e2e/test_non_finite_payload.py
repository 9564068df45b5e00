"""`/greet{"brand":1e999}` against the real stack: stored as strict JSON, and the console keeps working.

Rasa reads 1e999 as an entity value inf; the stock tracker store wrote it as the
bare token Infinity, after which the console's list and analytics answered 500.
The gateway may refuse such a payload; Rasa's REST channel takes it as it is.
"""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from sqlalchemy import select

from bot.db import make_engine
from bot.transcripts.store import events
from tests.e2e.agents import console_login, create_agent
from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e
PAYLOAD = '/greet{"brand":1e999}'


def _refuse(token: str):
    raise ValueError(f"not JSON: {token}")


def _stored(stack: Stack, sender_id: str) -> list[str]:
    engine = make_engine(stack.tracker_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(events.c.data).where(events.c.sender_id == sender_id)).scalars())
    finally:
        engine.dispose()


def test_a_non_finite_entity_is_stored_as_strict_json_and_the_console_still_answers(stack: Stack):
    # Through the gateway: answered, or refused with a clear 4xx, never a 500.
    via_gateway = stack.chat(f"infinite-{uuid.uuid4().hex[:6]}", PAYLOAD)
    assert via_gateway.status_code == 200 or (400 <= via_gateway.status_code < 500 and "error" in via_gateway.json())

    # Straight to Rasa's REST channel, which does not check payloads: the store must.
    sender = f"direct-infinite-{uuid.uuid4().hex[:8]}"
    reply = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": PAYLOAD},
                       timeout=60)
    assert reply.status_code == 200
    rows = _stored(stack, sender)
    assert rows
    parsed = [json.loads(row, parse_constant=_refuse) for row in rows]  # raises on Infinity / NaN
    entities = [e for event in parsed if event.get("event") == "user" for e in event["parse_data"]["entities"]]
    assert {"entity": "brand", "value": "Infinity"}.items() <= entities[0].items()

    stack.summaries_caught_up()
    email = create_agent(stack, name="Admin Infinite", role="admin")
    cookie, _ = console_login(stack, email)
    for path, params in [("/console/conversations", {}), ("/console/conversations", {"below": "0.5"}),
                         ("/console/conversations", {"q": "1e999"}), ("/console/conversations", {"fallback": "yes"}),
                         ("/console/analytics", {"days": "7"}), ("/api/console/analytics", {"days": "7"})]:
        response = httpx.get(stack.api_url + path, params=params, headers={"Cookie": cookie}, timeout=30)
        assert response.status_code == 200, (path, params)
