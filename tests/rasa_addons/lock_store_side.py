"""Checks of rasa_addons.lock_store that need Rasa: run with .venv-rasa's Python.

Several "replicas" (threads, each with a store and a Redis connection of its own) take
tickets and locks for one conversation at the same moment, on the real Redis at
127.0.0.1:6379 (keys under a prefix of this run's own, deleted at the end). Prints one
JSON object: for the stock RedisLockStore and for AtomicRedisLockStore, how many rounds
handed out a ticket number twice, the most holders inside one conversation's lock at
once, and how many lock() calls failed.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import redis  # noqa: E402
from rasa.core.lock_store import LockError, RedisLockStore  # noqa: E402
from rasa.utils.endpoints import EndpointConfig  # noqa: E402

from rasa_addons.lock_store import AtomicRedisLockStore  # noqa: E402

THREADS, ROUNDS, LOCKS_EACH = 6, 30, 10
STUCK = 8.0


def tickets_twice(make_store, prefix: str) -> int:
    """Rounds in which two replicas got the same ticket number."""
    stores = [make_store(prefix) for _ in range(THREADS)]
    doubled = 0
    for n in range(ROUNDS):
        conversation = f"tickets-{n}"
        barrier, got = threading.Barrier(THREADS), []

        def take(store) -> None:
            barrier.wait()
            got.append(store.issue_ticket(conversation, 30))

        threads = [threading.Thread(target=take, args=(s,)) for s in stores]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        doubled += len(set(got)) < len(got)
    return doubled


def exclusion(make_store, prefix: str) -> dict:
    """Replicas taking one conversation's lock over and over: the most inside at once, failures, and
    lock calls stuck for ``STUCK`` seconds (the stock store can lose a ticket and then wait forever)."""
    state = {"inside": 0, "most": 0, "errors": 0, "done": 0, "stuck": 0}
    guard = threading.Lock()

    async def once(store) -> None:
        async with store.lock("exclusive", lock_lifetime=2, wait_time_in_seconds=0.002):
            with guard:
                state["inside"] += 1
                state["most"] = max(state["most"], state["inside"])
            await asyncio.sleep(0.003)
            with guard:
                state["inside"] -= 1
                state["done"] += 1

    async def replica(store) -> None:
        for _ in range(LOCKS_EACH):
            try:
                await asyncio.wait_for(once(store), STUCK)
            except LockError:
                with guard:
                    state["errors"] += 1
            except asyncio.TimeoutError:
                with guard:
                    state["stuck"] += 1
                return  # its ticket is lost: this replica would wait for ever

    threads = [threading.Thread(target=lambda s=make_store(prefix): asyncio.run(replica(s))) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"most_inside": state["most"], "errors": state["errors"], "done": state["done"], "stuck": state["stuck"]}


def main() -> dict:
    client = redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        return {"skip": f"Redis is not reachable at 127.0.0.1:6379 ({exc!r})"}
    run = uuid.uuid4().hex[:10]
    kinds = {
        "stock": lambda prefix: RedisLockStore(host="127.0.0.1", port=6379, db=0, key_prefix=prefix),
        # as endpoints.scaled.yml loads it: by module path, with the endpoint's options
        "atomic": lambda prefix: AtomicRedisLockStore(endpoint_config=EndpointConfig(
            url="127.0.0.1", port=6379, db=0, key_prefix=prefix, type="rasa_addons.lock_store.AtomicRedisLockStore")),
    }
    result = {}
    try:
        for name, make in kinds.items():
            prefix = f"test{name}{run}"
            result[name] = {"tickets_twice": tickets_twice(make, prefix), **exclusion(make, prefix)}
    finally:
        for key in client.scan_iter(f"test*{run}:*"):
            client.delete(key)
    result["left_keys"] = sum(1 for _ in client.scan_iter(f"test*{run}:*"))
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
