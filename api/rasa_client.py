"""HTTP client of the Rasa server's REST channel and of the internal services' health."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import quote

import httpx

from api.metrics import observe_rasa

logger = logging.getLogger(__name__)

# Tracker events the console appends (rasa.shared.core.events): while a conversation
# is paused Rasa still stores the visitor's messages but predicts no action.
PAUSE: dict[str, Any] = {"event": "pause"}
RESUME: dict[str, Any] = {"event": "resume"}


def bot_event(text: str, *, sender: str, agent_name: str | None = None) -> dict[str, Any]:
    """A stored bot message from a person ("agent") or about the chat ("system"), for ``append_events``."""
    metadata: dict[str, Any] = {"sender": sender}
    if agent_name:
        metadata["agent_name"] = agent_name
    return {"event": "bot", "text": text, "metadata": metadata}


def _failure(exc: httpx.HTTPError) -> str:
    """What went wrong, without the request's URL (it holds the sender id and Rasa's token)."""
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    return type(exc).__name__


class RasaUnavailable(Exception):
    """Rasa did not answer in time or at all."""


class RasaClient:
    """Talks to Rasa's REST channel and tracker API; one instance per process, closed on shutdown."""

    def __init__(self, *, rasa_url: str, action_server_url: str, token: str, timeout: float) -> None:
        self._rasa_url = rasa_url.rstrip("/")
        self._action_url = action_server_url.rstrip("/")
        self._token = token
        # Connecting is quick or hopeless; answering may involve a DB lookup.
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=2.0))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _post(self, call: str, url: str, *, failure: str, **kwargs: Any) -> httpx.Response:
        """POST to Rasa, timed for /metrics under ``call``; ``RasaUnavailable`` (logged as ``failure``) if it fails."""
        started = time.perf_counter()
        try:
            response = await self._http.post(url, **kwargs)
            response.raise_for_status()
        except (httpx.TransportError, httpx.HTTPStatusError) as exc:
            outcome = "timeout" if isinstance(exc, httpx.TimeoutException) else "error"
            observe_rasa(call, outcome, time.perf_counter() - started)
            logger.warning("%s: %s", failure, _failure(exc))
            raise RasaUnavailable from exc
        observe_rasa(call, "ok", time.perf_counter() - started)
        return response

    async def send(
        self, *, sender_id: str, text: str, metadata: dict[str, Any] | None = None, channel: str = "rest"
    ) -> list[dict[str, Any]]:
        """Send one visitor message through ``channel``; return the bot's messages as Rasa gives them."""
        payload = {"sender": sender_id, "message": text, "metadata": metadata or {}}
        response = await self._post("message", f"{self._rasa_url}/webhooks/{channel}/webhook",
                                    failure="Rasa unavailable", json=payload)
        body = response.json()
        return body if isinstance(body, list) else []

    async def append_events(self, *, sender_id: str, events: list[dict[str, Any]]) -> None:
        """Append ``events`` to the conversation's tracker (stored only: nothing is predicted or sent)."""
        url = f"{self._rasa_url}/conversations/{quote(sender_id, safe='')}/tracker/events"
        # include_events=NONE: the answer would otherwise carry the whole tracker.
        params = {"token": self._token, "include_events": "NONE"}
        await self._post("append_events", url, failure="Rasa refused or missed appended events",
                         params=params, json=events)

    async def parse(self, text: str) -> dict[str, Any]:
        """What Rasa's NLU makes of ``text`` (intent, ranking, entities), without a conversation."""
        response = await self._post("parse", f"{self._rasa_url}/model/parse", failure="Rasa could not parse a message",
                                    params={"token": self._token}, json={"text": text})
        body = response.json()
        return body if isinstance(body, dict) else {"text": text}

    async def store_visitor_message(
        self, *, sender_id: str, text: str, metadata: dict[str, Any] | None = None, channel: str = "rest"
    ) -> None:
        """Store a visitor message for an agent to read: understood by NLU, but nothing predicted or answered.

        Sent through the channel instead, the message could start a new Rasa session (after
        ``session_expiration_time``) or be ``/restart``; either resets the tracker's pause, and
        the bot would answer next to the agent holding the chat.
        """
        parse_data = await self.parse(text)
        event = {"event": "user", "text": text, "parse_data": parse_data, "input_channel": channel,
                 "metadata": metadata or {}}
        await self.append_events(sender_id=sender_id, events=[event])

    async def _probe(self, url: str, *, params: dict[str, str] | None = None, timeout: float = 2.0) -> tuple[bool, str]:
        try:
            response = await self._http.get(url, params=params, timeout=timeout)
        except httpx.TransportError as exc:
            return False, type(exc).__name__
        return response.status_code == 200, f"HTTP {response.status_code}"

    async def rasa_health(self, *, timeout: float = 2.0) -> tuple[bool, str]:
        """Is the Rasa server up with a model loaded?"""
        ok, detail = await self._probe(f"{self._rasa_url}/status", params={"token": self._token}, timeout=timeout)
        if not ok:
            return ok, detail
        return True, "model loaded"

    async def action_server_health(self) -> tuple[bool, str]:
        """Is the action server up?"""
        return await self._probe(f"{self._action_url}/health")
