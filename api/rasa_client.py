"""HTTP client of the Rasa server's REST channel and of the internal services' health.

With several Rasa replicas (``SHOP_RASA_URL`` lists them, separated by commas) each
call goes to the conversation's replica (api/replicas.py). A replica that refuses
the connection never got the request, so the call moves on to the next one at once:
a dead replica costs a visitor nothing. A replica that fails *after* it got a
visitor's message may or may not have processed it, so that turn is not sent again
(it could be answered twice); the visitor is asked to send it again
(``TurnInterrupted``) and the conversation carries on on another replica.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from urllib.parse import quote

import httpx

from api.metrics import observe_rasa
from api.replicas import Replicas, split_urls

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


class TurnInterrupted(RasaUnavailable):
    """A replica took the visitor's message and went away before it answered (a timeout is not this:
    a slow replica may still finish the turn)."""


# The request never left the gateway: another replica can take it as it is.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class RasaClient:
    """Talks to Rasa's REST channel and tracker API; one instance per process, closed on shutdown."""

    def __init__(self, *, rasa_url: str, action_server_url: str, token: str, timeout: float) -> None:
        self.replicas = Replicas.from_setting(rasa_url)
        self._action_urls = split_urls(action_server_url)
        self._token = token
        # Connecting is quick or hopeless; answering may involve a DB lookup.
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=2.0))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _post(self, call: str, path: str, *, key: str, failure: str, **kwargs: Any) -> httpx.Response:
        """POST ``path`` to the replica of conversation ``key``, timed for /metrics under ``call``.

        ``RasaUnavailable`` (logged as ``failure``) when no replica takes it, ``TurnInterrupted``
        when the one that took it failed before answering.
        """
        await self.replicas.refresh()
        for url in self.replicas.order(key):
            started = time.perf_counter()
            try:
                response = await self._http.post(f"{url}{path}", **kwargs)
                response.raise_for_status()
            except _NOT_SENT as exc:
                observe_rasa(call, "refused", time.perf_counter() - started)
                logger.warning("Rasa replica %s refused the connection (%s); trying the next one", url,
                               type(exc).__name__)
                self.replicas.rest(url)
                continue
            except (httpx.TransportError, httpx.HTTPStatusError) as exc:
                outcome = "timeout" if isinstance(exc, httpx.TimeoutException) else "error"
                observe_rasa(call, outcome, time.perf_counter() - started)
                logger.warning("%s: %s", failure, _failure(exc))
                if isinstance(exc, httpx.TransportError) and not isinstance(exc, httpx.TimeoutException):
                    raise TurnInterrupted from exc  # the replica went away mid-turn
                # A slow replica may still finish the turn: no "send it again", which could answer it twice.
                raise RasaUnavailable from exc
            self.replicas.revive(url)
            observe_rasa(call, "ok", time.perf_counter() - started)
            return response
        logger.warning("%s: no Rasa replica took the connection", failure)
        raise RasaUnavailable

    async def send(
        self, *, sender_id: str, text: str, metadata: dict[str, Any] | None = None, channel: str = "rest"
    ) -> list[dict[str, Any]]:
        """Send one visitor message through ``channel``; return the bot's messages as Rasa gives them."""
        payload = {"sender": sender_id, "message": text, "metadata": metadata or {}}
        response = await self._post("message", f"/webhooks/{channel}/webhook", key=sender_id,
                                    failure="Rasa unavailable", json=payload)
        body = response.json()
        return body if isinstance(body, list) else []

    async def append_events(self, *, sender_id: str, events: list[dict[str, Any]]) -> None:
        """Append ``events`` to the conversation's tracker (stored only: nothing is predicted or sent)."""
        path = f"/conversations/{quote(sender_id, safe='')}/tracker/events"
        # include_events=NONE: the answer would otherwise carry the whole tracker.
        params = {"token": self._token, "include_events": "NONE"}
        await self._post("append_events", path, key=sender_id, failure="Rasa refused or missed appended events",
                         params=params, json=events)

    async def parse(self, text: str) -> dict[str, Any]:
        """What Rasa's NLU makes of ``text`` (intent, ranking, entities), without a conversation."""
        response = await self._post("parse", "/model/parse", key=text, failure="Rasa could not parse a message",
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

    async def _probe_all(self, urls: list[str] | tuple[str, ...], path: str, *, what: str, timeout: float = 2.0,
                         params: dict[str, str] | None = None) -> tuple[bool, str]:
        """Up while one of ``urls`` answers ``path``; with several, says how many do."""
        results = await asyncio.gather(*(self._probe(f"{url}{path}", params=params, timeout=timeout) for url in urls))
        if len(results) == 1:
            return results[0]
        up = sum(ok for ok, _ in results)
        down = "; ".join(f"{url}: {detail}" for url, (ok, detail) in zip(urls, results) if not ok)
        return up > 0, f"{up} of {len(results)} {what} answer" + (f" ({down})" if down else "")

    async def rasa_health(self, *, timeout: float = 2.0) -> tuple[bool, str]:
        """Is a Rasa server up with a model loaded?"""
        await self.replicas.refresh()
        ok, detail = await self._probe_all(self.replicas.urls, "/status", what="Rasa replicas", timeout=timeout,
                                           params={"token": self._token})
        if ok and len(self.replicas.urls) == 1:
            return True, "model loaded"
        return ok, detail

    async def action_server_health(self) -> tuple[bool, str]:
        """Is an action server up?"""
        return await self._probe_all(self._action_urls, "/health", what="action servers")
