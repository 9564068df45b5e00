"""Visitors talking to the scaled mode while a test breaks something, and what they got.

Each visitor runs one conversation through the gateway's /api/chat, round after round
of the same realistic turns (a search, a follow-up, an order with its verification, a
policy question), until told to stop. Every request carries an ``X-Request-ID`` of its
own, which the gateway passes to Rasa in the message's metadata: the tracker store then
says exactly which sent messages it holds, and how often.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from dataclasses import dataclass, field

import httpx

# One round of a conversation: (what the visitor says, words one of which the answer holds
# when the turn went through, separated by "|"). Order 100004 is the seed's late UPS order
# of noah.miller; from the second round on the conversation is verified already.
ROUND = (
    ("do you have running shoes under 120?", "$"),
    ("how much is the first one?", "$"),
    ("where is my order 100004?", "email|UPS"),
    ("noah.miller@example.com", "UPS"),
    ("how long does delivery take?", "working days"),
)


@dataclass
class Sent:
    conversation: int
    text: str
    request_id: str
    at: float
    status: int
    error: str | None
    replies: list[str]
    expected: str


@dataclass
class Load:
    """``conversations`` visitors on ``api_url`` until ``stop()``; ``sent`` is every request and its answer."""

    api_url: str
    conversations: int = 8
    pause: float = 0.2
    sent: list[Sent] = field(default_factory=list)
    ids: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    def start(self) -> "Load":
        self._thread.start()
        return self

    def stop(self) -> list[Sent]:
        self._stop.set()
        self._thread.join(timeout=60)
        return self.sent

    async def _run(self) -> None:
        async with httpx.AsyncClient(timeout=30) as client:
            await asyncio.gather(*(self._visitor(client, n) for n in range(self.conversations)))

    async def _visitor(self, client: httpx.AsyncClient, n: int) -> None:
        turn = 0
        while not self._stop.is_set():
            text, expected = ROUND[turn % len(ROUND)]
            request_id = uuid.uuid4().hex
            body: dict = {"message": text}
            if n in self.ids:
                body["sender_id"] = self.ids[n]
            try:
                response = await client.post(f"{self.api_url}/api/chat", json=body,
                                             headers={"X-Request-ID": request_id})
                data = response.json()
                status, error = response.status_code, data.get("error")
                replies = [m.get("text") or "" for m in data.get("messages", [])]
                if status == 200:
                    self.ids.setdefault(n, data["sender_id"])
            except (httpx.HTTPError, ValueError) as exc:
                status, error, replies = 0, type(exc).__name__, []
            self.sent.append(Sent(n, text, request_id, time.monotonic(), status, error, replies, expected))
            if status == 200 or n in self.ids:
                turn += 1  # a failed first message is sent again: there is no conversation yet
            await asyncio.sleep(self.pause)


def answered(sent: Sent) -> bool:
    """The turn went through and the answer is the one this turn should get."""
    return sent.status == 200 and any(word in reply for reply in sent.replies for word in sent.expected.split("|"))
