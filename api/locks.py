"""Per-key locks (e.g. per conversation): in-process (``KeyedLocks``), or shared by every
gateway replica through Redis (``RedisLocks``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from redis.asyncio import Redis
from redis.exceptions import LockError, RedisError

from api.hub import REDIS_PREFIX
from api.rasa_client import RasaUnavailable

logger = logging.getLogger(__name__)



class KeyedLocks:
    """``async with locks.hold(key):`` serialises work per key (e.g. per conversation)."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class LockUnavailable(RasaUnavailable):
    """The shared lock could not be taken (Redis unreachable, or held too long elsewhere).

    A kind of ``RasaUnavailable`` on purpose: the routes then do what they do when Rasa is
    down (answer 503 with the usual friendly message, undo the console's DB change), and
    nothing is processed without the lock.
    """


class RedisLocks:
    """``KeyedLocks``' interface across replicas: a Redis lock per key, behind the local lock
    (so waiters of one process queue locally and only one of them polls Redis).

    The Redis lock expires after ``timeout`` seconds, so a replica that died holding it frees
    the conversation then; while its holder is alive it is extended every ``timeout / 3``
    seconds, so a long turn never loses it. A waiter gives up after ``wait`` seconds.
    """

    def __init__(self, redis: Redis, *, prefix: str | None = None, timeout: float = 15.0,
                 wait: float = 40.0, poll: float = 0.05) -> None:
        self._redis = redis
        self._local = KeyedLocks()
        self._key_prefix = f"{prefix if prefix is not None else REDIS_PREFIX}lock:"
        self._timeout = timeout
        self._wait = wait
        self._poll = poll

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        async with self._local.hold(key):
            lock = self._redis.lock(self._key_prefix + key, timeout=self._timeout, sleep=self._poll,
                                    blocking=True, blocking_timeout=self._wait)
            try:
                acquired = await lock.acquire()
            except (RedisError, OSError) as exc:
                logger.error("conversation lock not taken, Redis is unreachable (%s): request refused",
                             type(exc).__name__)
                raise LockUnavailable("the conversation lock store is unreachable") from exc
            if not acquired:
                logger.warning("conversation lock still held elsewhere after %.0f s: request refused", self._wait)
                raise LockUnavailable("the conversation is busy on another replica")
            keeper = asyncio.create_task(self._keep(lock))
            try:
                yield
            finally:
                keeper.cancel()
                with suppress(asyncio.CancelledError):
                    await keeper
                await self._release(lock)

    async def _keep(self, lock) -> None:
        """Extend the lock while it is held (its holder is alive)."""
        while True:
            await asyncio.sleep(self._timeout / 3)
            try:
                await lock.reacquire()
            except LockError:
                logger.error("conversation lock expired while held (another request may run at once)")
                return
            except (RedisError, OSError) as exc:
                logger.warning("conversation lock not extended, Redis is unreachable (%s)", type(exc).__name__)

    @staticmethod
    async def _release(lock) -> None:
        try:
            await lock.release()
        except LockError:
            logger.warning("conversation lock had expired before its release")
        except (RedisError, OSError) as exc:
            logger.warning("conversation lock not released, Redis is unreachable (%s); it expires by itself",
                           type(exc).__name__)
