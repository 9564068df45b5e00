"""The gateway's push hub and per-conversation locks shared by replicas through the REAL Redis
at 127.0.0.1:6379 (skipped if it is not running). Every key and channel of a test starts with a
prefix of its own, removed afterwards; nothing else in Redis is touched."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from contextlib import suppress

import httpx
import pytest
import redis
from sqlalchemy import delete

import api.hub
import api.locks
from api.errors import RASA_DOWN_MESSAGE
from api.hub import Hub, RedisHub, redis_client
from api.locks import KeyedLocks, LockUnavailable, RedisLocks
from bot.db import session_scope
from bot.handoff import request_handoff
from bot.models import HandoffRequest
from tests.api.conftest import free_port
from tests.api.console_helpers import logged_in

REDIS_URL = "redis://127.0.0.1:6379/0"
PROMPT = 1.0  # seconds: "at once" (connections re-read the store every 5 s without a frame)


def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


@pytest.fixture
def prefix(monkeypatch):
    """A key/channel prefix unique to this test, used by every hub and lock it builds."""
    if not _redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: start one to test the replicated gateway")
    mine = f"shopbot-test-{uuid.uuid4().hex[:12]}:"
    monkeypatch.setattr(api.hub, "REDIS_PREFIX", mine)
    monkeypatch.setattr(api.locks, "REDIS_PREFIX", mine)
    yield mine
    client = redis.Redis.from_url(REDIS_URL)
    leftovers = list(client.scan_iter(match=f"{mine}*"))
    if leftovers:
        client.delete(*leftovers)
    client.close()


@pytest.fixture
def replicas(gateway, prefix):
    """Two gateway apps (each with its own event loop) sharing Redis and the tracker store."""
    return gateway(redis_url=REDIS_URL), gateway(redis_url=REDIS_URL)


def _follow_in_thread(client, session_id: str, timeout: float = 5.0):
    """Subscribe on ``client``'s app (in its loop); returns (ready event, thread, result dict)."""
    ready, result = threading.Event(), {}

    async def follow():
        with client.app.state.hub.subscribe(session_id) as frames:
            ready.set()
            frame = await asyncio.wait_for(frames.get(), timeout)
            result["at"] = time.perf_counter()
            await asyncio.sleep(0.2)  # anything else (a duplicate) arrives meanwhile
            result["more"] = frames.qsize()
            return frame

    thread = threading.Thread(target=lambda: result.update(frame=client.portal.call(follow)), daemon=True)
    thread.start()
    assert ready.wait(5)
    return thread, result


# --- the hub ------------------------------------------------------------------------


def test_a_frame_published_on_one_replica_reaches_a_subscriber_on_another_at_once(replicas):
    a, b = replicas
    assert isinstance(a.app.state.hub, RedisHub) and a.app.state.hub.subscribed and b.app.state.hub.subscribed
    here, there = _follow_in_thread(a, "s-1"), _follow_in_thread(b, "s-1")
    assert b.app.state.hub.connections("s-1") == 1  # its own connections only
    sent = time.perf_counter()
    a.portal.call(a.app.state.hub.publish, "s-1", {"type": "typing", "from": "agent", "on": True})
    for thread, result in (here, there):
        thread.join(5)
        assert result["frame"] == {"type": "typing", "from": "agent", "on": True}
        assert result["at"] - sent < PROMPT
        assert result["more"] == 0  # the publisher's own subscriber gets it once, not again through Redis


def test_without_redis_the_in_process_hub_and_locks_are_used_as_before(gateway):
    a, b = gateway(), gateway()
    assert a.app.state.redis is None
    assert type(a.app.state.hub) is Hub and type(a.app.state.session_locks) is KeyedLocks
    thread, result = _follow_in_thread(a, "s-2")
    b.portal.call(b.app.state.hub.wake, "s-2")  # another process: not heard without Redis
    a.portal.call(a.app.state.hub.wake, "s-2")
    thread.join(5)
    assert result["frame"] == {"type": "wake"} and result["more"] == 0


def test_the_subscription_comes_back_after_its_connection_is_lost(prefix):
    name = prefix.replace(":", "")  # this test's connections only: nothing else in Redis is killed

    async def scenario():
        client = redis_client(REDIS_URL)
        client.connection_pool.connection_kwargs["client_name"] = name
        other = redis_client(REDIS_URL)
        hub, remote = RedisHub(client), RedisHub(other)
        await hub.start()
        await remote.start()
        assert hub.subscribed
        killed = 0
        for entry in await other.client_list(_type="pubsub"):
            if entry.get("name") == name:
                killed += await other.client_kill_filter(_id=entry["id"])
        loop = asyncio.get_running_loop()
        started = loop.time()
        got = []
        with hub.subscribe("s-3") as frames:
            hub.publish("s-3", {"type": "typing", "from": "bot", "on": True})  # local delivery, always
            got.append(frames.get_nowait())
            while not got[1:] and loop.time() - started < 5:
                remote.wake("s-3")  # a frame lost while reconnecting is tolerated: try again
                with suppress(TimeoutError):
                    got.append(await asyncio.wait_for(frames.get(), 0.2))
        back = loop.time() - started
        await hub.aclose()
        await remote.aclose()
        await _close([client, other])
        return killed, back, got

    killed, back, got = asyncio.run(scenario())
    assert killed == 1 and back < 5
    assert got == [{"type": "typing", "from": "bot", "on": True}, {"type": "wake"}]


# --- an agent's reply on replica A reaches the visitor on replica B ---------------------


@pytest.fixture
def handoff(replicas, staff):
    """A visitor's session (on B) waiting for a person, taken by an agent (on A)."""
    a, b = replicas
    a.base_url = httpx.URL("https://testserver")  # the console's cookie is Secure
    sid = b.post("/api/sessions").json()["session_id"]
    with session_scope() as session:
        request_id = request_handoff(session, sender_id=sid, reason="asked", verified_order_number=None).id
    csrf = logged_in(a, staff("agent", name="Anna Berg"))
    taken = a.post(f"/api/console/live/{request_id}/take", headers={"X-CSRF-Token": csrf})
    assert taken.status_code == 200, taken.text
    last = b.get(f"/api/sessions/{sid}/messages").json()["last_seq"]
    yield sid, last, lambda text: a.post(f"/api/console/live/{request_id}/reply", data={"text": text},
                                         headers={"X-CSRF-Token": csrf})
    with session_scope() as session:
        session.execute(delete(HandoffRequest).where(HandoffRequest.sender_id == sid))


def _reply_later(reply, text: str, result: dict) -> threading.Thread:
    def run():
        time.sleep(0.5)  # the visitor's connection is waiting by then
        result["status"] = reply(text).status_code
        result["at"] = time.perf_counter()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_an_agents_reply_on_one_replica_ends_a_visitors_long_poll_on_another(replicas, handoff):
    _a, b = replicas
    sid, last, reply = handoff
    sent: dict = {}
    thread = _reply_later(reply, "Hi, I'm on it.", sent)
    polled = b.get(f"/api/sessions/{sid}/messages", params={"after": last, "wait": 20})
    done = time.perf_counter()
    thread.join(5)
    assert sent["status"] == 200 and polled.status_code == 200
    assert [(m["from"], m["text"]) for m in polled.json()["messages"]] == [("agent", "Hi, I'm on it.")]
    assert done - sent["at"] < PROMPT


def test_an_agents_reply_on_one_replica_is_pushed_to_a_visitors_websocket_on_another(replicas, handoff):
    _a, b = replicas
    sid, last, reply = handoff
    sent: dict = {}
    with b.websocket_connect(f"/api/sessions/{sid}/ws?after={last}") as ws:
        thread = _reply_later(reply, "Your parcel left today.", sent)
        frame = ws.receive_json()
        done = time.perf_counter()
    thread.join(5)
    assert sent["status"] == 200
    assert frame["type"] == "message" and frame["message"]["text"] == "Your parcel left today."
    assert done - sent["at"] < PROMPT


# --- the locks ----------------------------------------------------------------------


def _two_replicas_locks(**options) -> tuple[RedisLocks, RedisLocks, list]:
    clients = [redis_client(REDIS_URL), redis_client(REDIS_URL)]
    return RedisLocks(clients[0], **options), RedisLocks(clients[1], **options), clients


async def _close(clients) -> None:
    for client in clients:
        await client.aclose()


async def _hold(locks, key: str, seconds: float, log: list, name: str) -> None:
    loop = asyncio.get_running_loop()
    async with locks.hold(key):
        log.append((name, "in", loop.time()))
        await asyncio.sleep(seconds)
        log.append((name, "out", loop.time()))


def test_two_replicas_holding_one_conversation_take_turns_and_other_conversations_do_not_wait(prefix):
    async def scenario():
        one, two, clients = _two_replicas_locks()
        same: list = []
        first = asyncio.create_task(_hold(one, "c-1", 0.5, same, "one"))
        await asyncio.sleep(0.05)
        await _hold(two, "c-1", 0.0, same, "two")
        await first
        other: list = []
        await asyncio.gather(_hold(one, "c-2", 0.5, other, "one"), _hold(two, "c-3", 0.5, other, "two"))
        await _close(clients)
        return same, other

    same, other = asyncio.run(scenario())
    assert [(n, e) for n, e, _ in same] == [("one", "in"), ("one", "out"), ("two", "in"), ("two", "out")]
    entered = [t for _, e, t in other if e == "in"]
    assert len(entered) == 2 and abs(entered[0] - entered[1]) < 0.3  # side by side


def test_a_lock_is_extended_while_held_and_freed_after_its_timeout_when_its_holder_vanished(prefix):
    async def scenario():
        one, two, clients = _two_replicas_locks(timeout=0.6)
        # Held longer than its timeout by a live holder: extended, so the other replica still waits.
        held: list = []
        first = asyncio.create_task(_hold(one, "c-4", 1.5, held, "one"))
        await asyncio.sleep(0.05)
        await _hold(two, "c-4", 0.0, held, "two")
        await first
        # A replica that died holding the lock (taken, never released nor extended).
        crashed = clients[0].lock(f"{prefix}lock:c-5", timeout=1.0)
        assert await crashed.acquire(blocking=False)
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with two.hold("c-5"):
            waited = loop.time() - started
        await _close(clients)
        return held, waited

    held, waited = asyncio.run(scenario())
    assert [(n, e) for n, e, _ in held] == [("one", "in"), ("one", "out"), ("two", "in"), ("two", "out")]
    assert 0.6 < waited < 3.0


def test_a_waiter_gives_up_clearly_when_the_other_replica_holds_too_long(prefix):
    async def scenario():
        one, _two, clients = _two_replicas_locks()
        impatient = RedisLocks(clients[1], wait=0.3)
        first = asyncio.create_task(_hold(one, "c-6", 1.0, [], "one"))
        await asyncio.sleep(0.05)
        with pytest.raises(LockUnavailable):
            async with impatient.hold("c-6"):
                pass
        await first
        await _close(clients)

    asyncio.run(scenario())


# --- Redis down ---------------------------------------------------------------------


def test_with_redis_down_messages_are_refused_with_503_and_nothing_runs_unlocked(gateway, staff):
    down = f"redis://127.0.0.1:{free_port()}/0"
    client = gateway(redis_url=down)
    assert isinstance(client.app.state.hub, RedisHub) and isinstance(client.app.state.session_locks, RedisLocks)
    assert not client.app.state.hub.subscribed

    chat = client.post("/api/chat", json={"message": "where is my order?"})
    assert chat.status_code == 503 and chat.json()["detail"] == RASA_DOWN_MESSAGE
    assert chat.headers["Retry-After"] == "30"
    sid = client.post("/api/sessions").json()["session_id"]
    sent = client.post(f"/api/sessions/{sid}/messages", json={"text": "hello"})
    assert sent.status_code == 503 and sent.json()["detail"] == RASA_DOWN_MESSAGE
    assert client.fake.received == []  # nothing went to the assistant without the lock

    # The console: the take is undone, as when Rasa is down.
    client.base_url = httpx.URL("https://testserver")
    with session_scope() as session:
        request_id = request_handoff(session, sender_id=sid, reason="asked", verified_order_number=None).id
    try:
        csrf = logged_in(client, staff("agent"))
        taken = client.post(f"/api/console/live/{request_id}/take", headers={"X-CSRF-Token": csrf})
        assert taken.status_code == 503 and client.fake.appended == []
        queue = client.get("/api/console/live/queue").json()
        assert [e["status"] for e in queue["entries"] if e["id"] == request_id] == ["waiting"]
    finally:
        with session_scope() as session:
            session.execute(delete(HandoffRequest).where(HandoffRequest.sender_id == sid))

    # Reading and following still work; frames reach this replica's own connections.
    assert client.get(f"/api/sessions/{sid}/messages", params={"wait": 1}).status_code == 200
    thread, result = _follow_in_thread(client, sid)
    client.portal.call(client.app.state.hub.wake, sid)
    thread.join(5)
    assert result["frame"] == {"type": "wake"}


def test_readyz_asks_redis_when_the_replicas_share_it(replicas, gateway):
    up = replicas[0].get("/readyz").json()
    assert up["components"]["redis"] == {"ok": True, "detail": "ok"} and "redis" not in up["failed"]
    down = gateway(redis_url=f"redis://127.0.0.1:{free_port()}/0").get("/readyz")
    assert down.status_code == 503 and "redis" in down.json()["failed"]
    assert "127.0.0.1" not in down.text  # names what failed, not where it lives
    assert "redis" not in gateway(redis_url="").get("/readyz").json()["components"]  # the embedded default
