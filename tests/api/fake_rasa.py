"""A stand-in for Rasa's HTTP API and the gateway channel that stores what it is sent in a
tracker-store table, as Rasa's SQL tracker store does. (The real Rasa: tests/e2e.)"""

from __future__ import annotations

import json
import time
from urllib.parse import unquote

import httpx
from sqlalchemy import insert

from bot.settings import get_settings
from bot.transcripts.store import events, get_tracker_engine
from tests.bot.tracker_events import publish


class FakeRasa:
    """Rasa's tracker-events API and the gateway channel, storing events like Rasa's SQL tracker store."""

    def __init__(self) -> None:
        self.appended: list[tuple[str, list[dict]]] = []
        self.down = False
        self.answer: list[dict] = []  # what the bot says to a visitor message ([] = paused or failed)
        self.received: list[dict] = []  # bodies sent to the gateway channel

    def _store(self, sender_id: str, event: dict) -> None:
        with get_tracker_engine().begin() as conn:
            row = {"sender_id": sender_id, "type_name": event["event"], "timestamp": time.time(),
                   "action_name": event.get("name"), "data": json.dumps(event)}
            conn.execute(insert(events).values(**row))
            publish(conn, [row])  # Rasa's event broker, and the feed of the console's summaries

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        path = request.url.path
        if path.endswith("/tracker/events"):
            assert request.url.params["token"] == get_settings().rasa_token
            assert request.url.params["include_events"] == "NONE"
            sender_id = unquote(path.split("/")[2])
            sent = json.loads(request.content)
            self.appended.append((sender_id, sent))
            for event in sent:
                self._store(sender_id, event)
            return httpx.Response(200, json={})
        if path == "/model/parse":
            text = json.loads(request.content)["text"]
            return httpx.Response(200, json={"text": text, "intent": {"name": "thank", "confidence": 0.99},
                                             "entities": []})
        if path == "/webhooks/gateway/webhook":
            body = json.loads(request.content)
            self.received.append(body)
            self._store(body["sender"], {"event": "user", "text": body["message"], "metadata": body["metadata"]})
            for answer in self.answer:
                self._store(body["sender"], {"event": "bot", "text": answer.get("text"), "metadata": {},
                                             "data": {"buttons": answer.get("buttons"),
                                                      "custom": answer.get("custom")}})
            return httpx.Response(200, json=self.answer)
        return httpx.Response(503)  # health probes: the action server is "down"
