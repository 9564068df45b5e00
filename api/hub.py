"""Fan-out of live frames to a conversation's open connections: in-process (``Hub``),
or across gateway replicas through Redis pub/sub (``RedisHub``).

Frames are only wake-up calls and typing signals: messages themselves are always
read from the tracker store by seq, so a frame lost (another replica, a restart)
delays a message by at most the connection's re-read interval and never loses
or duplicates one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

WAKE: dict[str, Any] = {"type": "wake"}
_QUEUE_SIZE = 64
# Redis keys and channels of this service start with this (tests use a prefix of their own).
REDIS_PREFIX = "shopbot:"


def redis_client(url: str) -> Redis:
    """The gateway's Redis client (hub and locks): quick to fail when Redis is away, so a
    request gets its 503 in well under a second instead of hanging."""
    return Redis.from_url(
        url, socket_connect_timeout=2.0, socket_timeout=5.0, socket_keepalive=True, health_check_interval=15,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2),
    )


class Hub:
    """Subscribers per session id; ``publish`` never blocks."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)

    @contextmanager
    def subscribe(self, session_id: str) -> Iterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=_QUEUE_SIZE)
        self._subscribers[session_id].add(queue)
        try:
            yield queue
        finally:
            subscribers = self._subscribers.get(session_id)
            if subscribers is not None:
                subscribers.discard(queue)
                if not subscribers:
                    del self._subscribers[session_id]

    def publish(self, session_id: str, frame: dict[str, Any]) -> None:
        for queue in list(self._subscribers.get(session_id, ())):
            try:
                queue.put_nowait(frame)
            except asyncio.QueueFull:
                pass  # a slow reader re-reads the store anyway

    def wake(self, session_id: str) -> None:
        """Tell the session's connections that new messages are stored."""
        self.publish(session_id, WAKE)

    def connections(self, session_id: str) -> int:
        return len(self._subscribers.get(session_id, ()))


class RedisHub:
    """``Hub``'s interface across replicas: frames go to this process's subscribers at once and,
    through Redis, to every other replica's.

    Each process holds ONE pub/sub connection (a pattern subscription to all conversations'
    channels), whatever the number of WebSockets and long polls; a frame for a conversation
    nobody here follows is dropped. ``publish`` never blocks: frames wait in a bounded outbox
    for one sender task. If Redis goes away, local delivery goes on, publishing fails (logged,
    at most every ``_LOG_EVERY`` seconds) and the subscription is re-established with backoff;
    what is lost meanwhile is only delayed by the connections' re-read interval.
    """

    _OUTBOX_SIZE = 1000
    _BACKOFF_MIN = 0.2
    _BACKOFF_MAX = 10.0
    _LOG_EVERY = 30.0

    def __init__(self, redis: Redis, *, prefix: str | None = None) -> None:
        self._redis = redis
        self._local = Hub()
        self._channel_prefix = f"{prefix if prefix is not None else REDIS_PREFIX}hub:"
        self._origin = uuid.uuid4().hex  # this process: its own frames come back and are skipped
        self._outbox: asyncio.Queue[tuple[str, dict[str, Any]]] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._subscribed = asyncio.Event()
        self._logged_at: dict[str, float] = {}

    # -- the Hub interface -----------------------------------------------------------

    def subscribe(self, session_id: str):
        return self._local.subscribe(session_id)

    def publish(self, session_id: str, frame: dict[str, Any]) -> None:
        self._local.publish(session_id, frame)
        if self._outbox is None:
            return  # not started (or closed): nobody else to tell
        try:
            self._outbox.put_nowait((session_id, frame))
        except asyncio.QueueFull:
            self._log_failure("outbox", "push hub: outbox full, frame for other replicas dropped")

    def wake(self, session_id: str) -> None:
        self.publish(session_id, WAKE)

    def connections(self, session_id: str) -> int:
        """Connections of this process (other replicas count their own)."""
        return self._local.connections(session_id)

    # -- lifecycle -------------------------------------------------------------------

    @property
    def subscribed(self) -> bool:
        """Whether the pub/sub connection is up (frames from other replicas arrive)."""
        return self._subscribed.is_set()

    async def start(self, wait: float = 2.0) -> None:
        """Start the sender and the subscriber; wait up to ``wait`` seconds for the subscription
        (the gateway starts anyway if Redis is down, and keeps trying)."""
        self._outbox = asyncio.Queue(maxsize=self._OUTBOX_SIZE)
        self._tasks = [asyncio.create_task(self._send(), name="hub-send"),
                       asyncio.create_task(self._listen(), name="hub-listen")]
        with suppress(TimeoutError):
            await asyncio.wait_for(self._subscribed.wait(), timeout=wait)
        if not self.subscribed:
            logger.warning("push hub: Redis is unreachable at start; frames stay on this replica until it is back")

    async def aclose(self) -> None:
        self._outbox = None
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    # -- internals -------------------------------------------------------------------

    def _log_failure(self, what: str, message: str, *args: Any) -> None:
        now = time.monotonic()
        if now - self._logged_at.get(what, -self._LOG_EVERY) >= self._LOG_EVERY:
            self._logged_at[what] = now
            logger.warning(message, *args)

    async def _send(self) -> None:
        assert self._outbox is not None
        outbox = self._outbox
        while True:
            session_id, frame = await outbox.get()
            payload = json.dumps({"o": self._origin, "f": frame}, separators=(",", ":"))
            try:
                await self._redis.publish(self._channel_prefix + session_id, payload)
            except (RedisError, OSError) as exc:
                self._log_failure("publish", "push hub: frame not published to other replicas: %s",
                                  type(exc).__name__)

    def _deliver(self, message: dict[str, Any]) -> None:
        channel = message.get("channel")
        if isinstance(channel, bytes):
            channel = channel.decode("utf-8", "replace")
        if not isinstance(channel, str) or not channel.startswith(self._channel_prefix):
            return
        session_id = channel[len(self._channel_prefix):]
        if not self._local.connections(session_id):
            return
        try:
            body = json.loads(message.get("data") or b"")
        except ValueError:
            return
        if not isinstance(body, dict) or body.get("o") == self._origin or not isinstance(body.get("f"), dict):
            return
        self._local.publish(session_id, body["f"])

    async def _listen(self) -> None:
        delay = self._BACKOFF_MIN
        pattern = self._channel_prefix + "*"
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.psubscribe(pattern)
                while True:
                    message = await pubsub.get_message(timeout=5.0)
                    if message is None:
                        continue
                    if message.get("type") == "psubscribe":
                        if not self._subscribed.is_set():
                            logger.info("push hub: subscribed to other replicas' frames through Redis")
                        self._subscribed.set()
                        self._logged_at.pop("subscribe", None)
                        delay = self._BACKOFF_MIN
                    elif message.get("type") == "pmessage":
                        self._deliver(message)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                self._log_failure("subscribe", "push hub: lost Redis (%s); retrying, frames stay on this replica",
                                  type(exc).__name__)
            finally:
                self._subscribed.clear()
                with suppress(Exception):
                    await asyncio.shield(pubsub.aclose())
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))
            delay = min(delay * 2, self._BACKOFF_MAX)
