"""The summary tables fed through RabbitMQ (bot/summaries/feed_amqp.py), against the real server.

RabbitMQ runs on 127.0.0.1:5672 (guest/guest); where it does not, these tests skip
and say so. Each test has a queue and a fanout exchange of its own, deleted at its
end, so nothing reaches the real ``rasa-exchange`` (a fanout copies every message
into each queue bound to it, a developer's ``rasa_core_events`` too).

Each test ends the way the feed's promise reads: the summaries say exactly what the
raw events say (tests/bot/summary_reference.py) and the queue is empty, whether the
feed was down, failed in the middle of a batch, or lost its connection.

Connections are dropped two ways. RabbitMQ closes the feed's connection itself
(``rabbitmqctl close_connection``, what an operator or a node shutting down does;
skipped where rabbitmqctl is not usable, as for a user without the Erlang cookie).
And the feed connects through a TCP relay in the test that cuts its sockets and
then refuses connections for a while: a network failure, or a broker restarting.
"""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from bot.summaries.status import feed_status
from bot.summaries.tables import feeds

from tests.bot.test_summaries import _conversations, _same
from tests.bot.tracker_events import tracker_database
from tests.rasa_addons.rasa_env import run_in_rasa

pika = pytest.importorskip("pika", reason="pika is not installed in .venv: pip install -r requirements/app.lock")
feed_amqp = pytest.importorskip("bot.summaries.feed_amqp")

HOST, PORT = "127.0.0.1", 5672
AMQP_URL = f"amqp://guest:guest@{HOST}:{PORT}/%2F"
QUICK = {"backoff": (0.05, 0.5), "wait": 0.05}  # reconnect within a fraction of a second in tests


def _connect(url: str = AMQP_URL):
    return pika.BlockingConnection(pika.URLParameters(url + "?connection_attempts=1&socket_timeout=3"))


@pytest.fixture(scope="module")
def rabbitmq() -> None:
    try:
        _connect().close()
    except Exception as error:  # noqa: BLE001 - any failure to connect means: no server to test against
        pytest.skip(f"RabbitMQ is not reachable at {HOST}:{PORT} as guest/guest ({error!r})")


@dataclass(frozen=True)
class Names:
    queue: str
    exchange: str


@pytest.fixture
def names(rabbitmq) -> Iterator[Names]:
    tag = uuid.uuid4().hex[:12]
    made = Names(queue=f"test-summaries-{tag}", exchange=f"test-rasa-exchange-{tag}")
    yield made
    connection = _connect()
    try:
        channel = connection.channel()
        channel.queue_delete(made.queue)
        channel.exchange_delete(made.exchange)
    finally:
        connection.close()


@pytest.fixture
def tracker(tmp_path) -> Iterator[Engine]:
    with tracker_database("sqlite", tmp_path) as engine:
        yield engine


def _bodies(rows: list[dict]) -> list[bytes]:
    """What Rasa publishes for each stored event: its JSON with the sender id."""
    return [json.dumps({"sender_id": r["sender_id"], **json.loads(r["data"])}).encode() for r in rows]


def _publish(names: Names, bodies: list[bytes]) -> None:
    """Publish as Rasa's broker does (persistent, to the fanout exchange), confirmed by RabbitMQ."""
    connection = _connect()
    try:
        channel = connection.channel()
        feed_amqp.declare(channel, names.queue, names.exchange)
        channel.confirm_delivery()
        for body in bodies:
            channel.basic_publish(names.exchange, "", body, pika.BasicProperties(delivery_mode=2))
    finally:
        connection.close()


def _eventually(check: Callable[[], object], timeout: float = 30.0) -> None:
    """Wait until ``check`` passes (returns truthy without an AssertionError), or fail with its last word."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
            last: AssertionError = AssertionError(f"{check} stayed false")
        except AssertionError as error:
            last = error
        if time.monotonic() > deadline:
            raise AssertionError(f"not so after {timeout} s") from last
        time.sleep(0.05)


def _applied(tracker: Engine, rows: list[dict]) -> Callable[[], bool]:
    def check() -> bool:
        _same(tracker, rows)
        return True
    return check


@contextmanager
def _feed(tracker: Engine, names: Names, url: str = AMQP_URL, **options) -> Iterator[threading.Event]:
    """``feed_amqp.follow`` in a thread, as ``python -m bot.summaries follow`` runs it; stopped on leaving."""
    stop, failed = threading.Event(), []

    def run() -> None:
        try:
            feed_amqp.follow(tracker, url, queue=names.queue, exchange=names.exchange, stop=stop,
                             **{**QUICK, **options})
        except BaseException as error:  # noqa: BLE001 - reported by the test
            failed.append(error)

    thread = threading.Thread(target=run, name=f"feed {names.queue}", daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(15)
    assert not thread.is_alive(), "the feed did not stop"
    assert not failed, f"follow() gave up: {failed[0]!r}"


def _waiting(names: Names) -> int:
    return feed_amqp.lag(AMQP_URL, names.queue)


class Relay:
    """A TCP relay to RabbitMQ for the feed to connect through. ``cut`` closes its connections
    at once (what a network failure or a crashed broker does to them); while ``refusing`` is
    set, new connections are closed as they come (a broker that is down or restarting)."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)
        self.port = self._server.getsockname()[1]
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"
        self.refusing = threading.Event()
        self.relayed = 0
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.refusing.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection((HOST, PORT), timeout=3)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self.relayed += 1
                self._open += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for end in (source, target):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self) -> None:
        with self._lock:
            ends, self._open = self._open, []
        for end in ends:
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()

    def close(self) -> None:
        self._closed.set()
        self._server.close()
        self.cut()


@pytest.fixture
def relay() -> Iterator[Relay]:
    made = Relay()
    yield made
    made.close()


# --- Rasa's own publisher --------------------------------------------------------------------

RASA_PUBLISHER = """
import asyncio, json, sys
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

queue, exchange, path = sys.argv[1:4]
rows = json.load(open(path))

async def main():
    # As endpoints.yml configures it: event_broker: {type: pika, url, username, password, queues}
    broker = await EventBroker.create(EndpointConfig(url="127.0.0.1", type="pika", username="guest",
                                                     password="guest", queues=[queue], exchange_name=exchange))
    store = InMemoryTrackerStore(Domain.empty(), event_broker=broker)
    by_sender = {}
    for row in rows:
        by_sender.setdefault(row["sender_id"], []).append(Event.from_parameters(json.loads(row["data"])))
    for sender, events in by_sender.items():  # Rasa saves the tracker, and the store streams its new events
        await store.save(DialogueStateTracker.from_events(sender, events))
    while broker._background_tasks:  # publishing runs as tasks of the loop
        await asyncio.gather(*list(broker._background_tasks))
    await broker.close()
    published = sum(len(events) for events in by_sender.values())
    print(json.dumps({"published": published, "unpublished": len(broker._unpublished_events)}))

asyncio.run(main())
"""


def test_events_rasas_pika_broker_publishes_reach_the_summaries(tracker, names, tmp_path: Path):
    rows = _conversations(25, seed=11)
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(rows))
    with _feed(tracker, names):
        answer = run_in_rasa("-c", RASA_PUBLISHER, names.queue, names.exchange, str(path), timeout=120)
        assert answer == {"published": len(rows), "unpublished": 0}
        _eventually(_applied(tracker, rows))
    _same(tracker, rows)
    assert _waiting(names) == 0


# --- a feed that was down ----------------------------------------------------------------------

def test_a_feed_that_was_down_catches_up(tracker, names):
    rows = _conversations(60, seed=12)
    half = len(rows) // 2
    _publish(names, _bodies(rows[:half]))  # Rasa starts first: the queue is declared and fills
    assert _waiting(names) == half
    with _feed(tracker, names):
        _eventually(_applied(tracker, rows[:half]))
        with tracker.connect() as conn:  # it reports, so the console does not call it silent
            assert not feed_status(conn).silent
            assert conn.execute(select(feeds.c.alive_at).where(
                feeds.c.name == feed_amqp.feed_name(names.queue))).scalar() is not None
    _publish(names, _bodies(rows[half:]))  # the feed is down while Rasa goes on publishing
    assert _waiting(names) == len(rows) - half
    with _feed(tracker, names):
        _eventually(_applied(tracker, rows))
    assert _waiting(names) == 0


# --- failing in the middle of a batch ------------------------------------------------------------

@pytest.mark.parametrize("where", ["inside the transaction", "after the commit, before the ack"])
def test_nothing_is_lost_when_the_feed_fails_mid_batch(tracker, names, relay, monkeypatch, where):
    rows = _conversations(60, seed=13)
    _publish(names, _bodies(rows))
    real_apply_events, real_apply_batch = feed_amqp.apply_events, feed_amqp.apply_batch
    seen: list[int] = []
    failed = threading.Event()

    def failing_apply_events(conn, items):
        kept = real_apply_events(conn, items)
        if not failed.is_set():
            failed.set()
            raise RuntimeError("the database went away")  # the transaction rolls back
        return kept

    def dying_apply_batch(engine, bodies):
        kept = real_apply_batch(engine, bodies)  # committed
        seen.append(len(bodies))
        if not failed.is_set():
            failed.set()
            relay.cut()  # the connection dies before the ack reaches RabbitMQ
        return kept

    if where == "inside the transaction":
        monkeypatch.setattr(feed_amqp, "apply_events", failing_apply_events)
    else:
        monkeypatch.setattr(feed_amqp, "apply_batch", dying_apply_batch)
    with _feed(tracker, names, url=relay.url, batch=40):
        _eventually(_applied(tracker, rows))
        _eventually(lambda: _waiting(names) == 0)
    assert failed.is_set()
    assert relay.relayed >= 2  # it connected again
    if seen:  # the batch committed but not acknowledged came again, and counted once
        assert sum(seen) > len(rows)
    _same(tracker, rows)
    assert _waiting(names) == 0


# --- dropped connections -------------------------------------------------------------------------

def _rabbitmqctl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True, timeout=30)


def _connections_named(name: str) -> list[str]:
    """Pids of the connections whose client calls itself ``name`` (feed_amqp names its connections)."""
    listed = _rabbitmqctl("list_connections", "pid", "client_properties", "--no-table-headers")
    assert listed.returncode == 0, listed.stderr
    return [line.split("\t", 1)[0] for line in listed.stdout.splitlines()
            if f'{{"connection_name","{name}"}}' in line]


@pytest.fixture
def rabbitmqctl(rabbitmq) -> None:
    try:
        usable = _rabbitmqctl("list_connections", "pid").returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        usable = False
    if not usable:
        pytest.skip("rabbitmqctl is not usable here (not installed, or no access to the node's Erlang cookie)")


def _publishing(names: Names, rows: list[dict], chunk: int = 20) -> tuple[threading.Thread, threading.Event]:
    """Publish ``rows`` a chunk at a time in a thread, as Rasa goes on doing while the feed reconnects."""
    done = threading.Event()
    bodies = _bodies(rows)

    def run() -> None:
        for start in range(0, len(bodies), chunk):
            _publish(names, bodies[start:start + chunk])
            time.sleep(0.02)
        done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, done


def test_the_feed_reconnects_when_rabbitmq_closes_its_connection(tracker, names, rabbitmqctl, caplog):
    caplog.set_level(logging.INFO, logger=feed_amqp.__name__)
    rows = _conversations(80, seed=14)
    name = f"bot.summaries feed_amqp {names.queue}"
    with _feed(tracker, names):
        _eventually(lambda: len(_connections_named(name)) == 1)
        publisher, published = _publishing(names, rows)
        for _ in range(2):  # closed twice while events keep coming
            [pid] = _connections_named(name)
            closed = _rabbitmqctl("close_connection", pid, "test: dropped while publishing")
            assert closed.returncode == 0, closed.stderr
            _eventually(lambda: (found := _connections_named(name)) and pid not in found)  # a new connection
        publisher.join(60)
        assert published.is_set()
        _eventually(_applied(tracker, rows))
    assert "CONNECTION_FORCED" in caplog.text
    assert caplog.text.count("following RabbitMQ queue") == 3
    assert _waiting(names) == 0


def test_the_feed_reconnects_after_a_network_failure_and_a_broker_restart(tracker, names, relay, caplog):
    caplog.set_level(logging.INFO, logger=feed_amqp.__name__)
    rows = _conversations(80, seed=15)
    with _feed(tracker, names, url=relay.url):
        _eventually(lambda: relay.relayed == 1)
        publisher, published = _publishing(names, rows)
        relay.refusing.set()  # the broker goes down: its connections break, new ones are refused
        relay.cut()
        _eventually(lambda: "reconnecting in" in caplog.text)
        time.sleep(0.3)  # a few refused attempts, backing off
        relay.refusing.clear()  # and it is back
        _eventually(lambda: relay.relayed >= 2)
        relay.cut()  # then the network drops the new connection too
        publisher.join(60)
        assert published.is_set()
        _eventually(_applied(tracker, rows))
    assert relay.relayed >= 3
    assert _waiting(names) == 0


# --- a bad message ------------------------------------------------------------------------------

def test_a_bad_message_is_acknowledged_and_skipped(tracker, names, caplog):
    caplog.set_level(logging.WARNING, logger=feed_amqp.__name__)
    rows = _conversations(10, seed=16)
    # Not JSON; not UTF-8; not an object (twice); no sender; nested too deep for the JSON parser.
    bad = [b"not json", b'{"sender_id": "\xc3"}', b"[1, 2, 3]", b'"a string"',
           b'{"event": "user", "text": "no sender"}', b"[" * 100_000]
    good = _bodies(rows)
    # With batches of 3, the first holds only bad messages: it is acknowledged all the same.
    _publish(names, bad[:4] + good[:5] + bad[4:] + good[5:])
    with _feed(tracker, names, batch=3):
        _eventually(_applied(tracker, rows))
        _eventually(lambda: _waiting(names) == 0)
    assert caplog.text.count("not a Rasa event") == len(bad)
    _same(tracker, rows)
    assert _waiting(names) == 0


def test_an_event_the_database_refuses_is_dropped_alone_and_does_not_block_the_queue(tracker, names, monkeypatch,
                                                                                     caplog):
    from sqlalchemy.exc import DataError

    caplog.set_level(logging.ERROR, logger=feed_amqp.__name__)
    rows = _conversations(10, seed=17)
    poison = json.dumps({"sender_id": "poison", "event": "user", "text": "x", "timestamp": 1.0}).encode()
    real_apply_events = feed_amqp.apply_events

    def refusing(conn, items):
        items = list(items)
        if any(sender == "poison" for sender, _ in items):  # as a database refuses a value it cannot store
            raise DataError("INSERT ...", {}, ValueError("value out of range"))
        return real_apply_events(conn, items)

    monkeypatch.setattr(feed_amqp, "apply_events", refusing)
    good = _bodies(rows)
    _publish(names, good[:7] + [poison] + good[7:])
    with _feed(tracker, names, batch=20):
        _eventually(_applied(tracker, rows))
        _eventually(lambda: _waiting(names) == 0)
    assert caplog.text.count("dropping a broker message the summary tables refuse") == 1
    _same(tracker, rows)
