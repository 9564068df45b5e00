"""Following Rasa's RabbitMQ event broker: the summary tables' feed where ``SHOP_AMQP_URL`` is set.

Rasa's ``PikaEventBroker`` publishes each event it stores as the JSON of
``{"sender_id": ..., **event}``, persistent, to its fanout exchange ``rasa-exchange``,
which copies it into every durable queue named under ``queues:`` in endpoints.yml.
The feed declares the same exchange, queue and binding as Rasa does, so whichever of
the two starts first the queue exists and keeps what is published while the feed is
down. It takes the messages in batches (up to ``BATCH``, or what arrives within
``WAIT`` seconds), applies a batch in one transaction of the tracker store's database
and acknowledges it only after the commit. A feed that fails, or loses its
connection, before acknowledging gets the batch again once it has reconnected:
applying is idempotent, so an event applied twice counts once, and none is lost.
A message that is not a JSON object with a sender id can never be applied: it is
logged and acknowledged with its batch, so it cannot hold up the queue. While it is
connected and keeping up, the feed reports every few seconds, as ``feed_sql`` does,
so the console can tell when it has fallen silent.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any

import pika
import pika.exceptions
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from bot.summaries.apply import apply_events
from bot.summaries.status import REPORT_EVERY, report_alive
from bot.summaries.tables import ensure_tables
from bot.transcripts.store import parse_event_data

logger = logging.getLogger(__name__)
if logging.getLogger("pika").level == logging.NOTSET:  # pika narrates each connection at INFO; the feed logs its own
    logging.getLogger("pika").setLevel(logging.WARNING)

EXCHANGE = "rasa-exchange"  # rasa.core.brokers.pika.RABBITMQ_EXCHANGE
QUEUE = "rasa_core_events"  # rasa.core.brokers.pika.DEFAULT_QUEUE_NAME
BATCH = 200
WAIT = 0.2
BACKOFF = (0.5, 30.0)  # seconds before the first reconnection, and at most (doubling in between)


def feed_name(queue: str) -> str:
    """The feed's row in ``summary_feed`` (where it reports)."""
    return f"amqp {queue}"[:64]


def _parameters(amqp_url: str, name: str) -> pika.URLParameters:
    parameters = pika.URLParameters(amqp_url)
    parameters.client_properties = {"connection_name": name}  # how RabbitMQ lists the connection
    return parameters


def _where(parameters: pika.URLParameters) -> str:
    """The server, without the credentials the URL may hold."""
    return f"{parameters.host}:{parameters.port}"


def _close(connection: pika.BlockingConnection | None) -> None:
    if connection is not None and connection.is_open:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - a connection that is going away anyway
            pass


def declare(channel, queue: str = QUEUE, exchange: str = EXCHANGE) -> None:
    """What Rasa's broker declares (``PikaEventBroker._set_up_exchange``), with the same options:
    RabbitMQ refuses a declaration that differs from an existing one."""
    channel.exchange_declare(exchange, exchange_type="fanout")  # not durable: aio-pika's default, as Rasa's
    channel.queue_declare(queue, durable=True)
    channel.queue_bind(queue, exchange, routing_key="")


def _event(body: bytes) -> dict[str, Any] | None:
    """The event a message holds, or None when it is not a Rasa event (not JSON, not an object, no sender)."""
    event = parse_event_data(body)
    if not isinstance(event.get("sender_id"), str) or not event["sender_id"]:
        return None
    return event


def apply_batch(tracker: Engine, bodies: list[bytes]) -> int:
    """Apply the messages' events in one transaction; returns how many were kept."""
    items = []
    for body in bodies:
        event = _event(body)
        if event is None:
            logger.warning("skipping a broker message that is not a Rasa event: %r", body[:200])
        else:
            items.append((event["sender_id"], event))
    if not items:
        return 0
    with tracker.begin() as conn:
        return apply_events(conn, items)


def apply_one_by_one(tracker: Engine, bodies: list[bytes]) -> int:
    """Apply the messages one at a time, dropping (with a log line) any the database refuses.

    Only for a batch the database refused for its data, not for being away: without
    it, one such message would come back forever and hold up the queue behind it.
    """
    kept = 0
    for body in bodies:
        try:
            kept += apply_batch(tracker, [body])
        except DBAPIError as error:
            if isinstance(error, (OperationalError, InterfaceError)) or error.connection_invalidated:
                raise
            logger.error("dropping a broker message the summary tables refuse (%s): %r",
                         type(error.orig).__name__, body[:200])
    return kept


def _consume(tracker: Engine, channel, queue: str, *, batch: int, wait: float, stop: threading.Event,
             healthy: Callable[[], None]) -> None:
    """Apply the queue's messages, a batch at a time, until ``stop`` is set or RabbitMQ cancels the consumer."""
    bodies: list[bytes] = []
    last_tag, deadline = 0, 0.0

    def flush() -> None:
        try:
            apply_batch(tracker, bodies)
        except DBAPIError as error:
            if isinstance(error, (OperationalError, InterfaceError)) or error.connection_invalidated:
                raise  # the database is away: reconnect, and RabbitMQ redelivers the batch
            apply_one_by_one(tracker, bodies)  # the data: find the message, keep the others
        channel.basic_ack(delivery_tag=last_tag, multiple=True)  # only now: a failure above means redelivery
        bodies.clear()
        healthy()

    for method, _properties, body in channel.consume(queue, inactivity_timeout=wait):
        if method is None:  # nothing came for ``wait`` seconds
            if not bodies:
                healthy()
        else:
            if not bodies:
                deadline = time.monotonic() + wait
            bodies.append(body)
            last_tag = method.delivery_tag
        if bodies and (method is None or len(bodies) >= batch or time.monotonic() >= deadline or stop.is_set()):
            flush()
        if stop.is_set():
            return
    if bodies:  # the generator ends when RabbitMQ cancels the consumer (its queue was deleted)
        flush()


def follow(tracker: Engine, amqp_url: str, *, queue: str = QUEUE, exchange: str = EXCHANGE,
           stop: threading.Event | None = None, batch: int = BATCH, wait: float = WAIT,
           backoff: tuple[float, float] = BACKOFF) -> None:
    """Apply the queue's events until ``stop`` is set (or forever), reconnecting whenever the connection,
    RabbitMQ or the database fails: after ``backoff[0]`` seconds, doubling up to ``backoff[1]``."""
    stop = stop or threading.Event()
    with tracker.begin() as conn:
        ensure_tables(conn)
    parameters = _parameters(amqp_url, f"bot.summaries feed_amqp {queue}")
    delay, reported = backoff[0], -math.inf

    def report() -> None:  # at most every REPORT_EVERY seconds
        nonlocal reported
        if time.monotonic() - reported >= REPORT_EVERY:
            with tracker.begin() as conn:
                report_alive(conn, feed_name(queue))
            reported = time.monotonic()

    def healthy() -> None:  # connected and applying (or idle): the next failure waits the shortest time
        nonlocal delay
        delay = backoff[0]
        report()

    while not stop.is_set():
        connection = None
        try:
            connection = pika.BlockingConnection(parameters)
            channel = connection.channel()
            declare(channel, queue, exchange)
            channel.basic_qos(prefetch_count=batch)
            logger.info("following RabbitMQ queue %r at %s", queue, _where(parameters))
            report()
            _consume(tracker, channel, queue, batch=batch, wait=wait, stop=stop, healthy=healthy)
            if stop.is_set():
                break
            logger.warning("RabbitMQ cancelled the consumer of %r (the queue was deleted?): declaring it again", queue)
        except pika.exceptions.AMQPError as error:
            logger.warning("RabbitMQ at %s: %r; reconnecting in %.1f s", _where(parameters), error, delay)
        except Exception:  # noqa: BLE001 - the database briefly away, or anything else: log, wait, retry
            logger.exception("the RabbitMQ summary feed failed; reconnecting in %.1f s", delay)
        finally:
            _close(connection)  # unacknowledged messages go back to the queue
        stop.wait(delay)
        delay = min(delay * 2, backoff[1])


def lag(amqp_url: str, queue: str = QUEUE) -> int:
    """Messages waiting in ``queue`` (0 when it does not exist yet).

    RabbitMQ counts the ready messages: a batch a running feed holds unacknowledged is not among them.
    """
    connection = pika.BlockingConnection(_parameters(amqp_url, f"bot.summaries lag {queue}"))
    try:
        try:
            return connection.channel().queue_declare(queue, passive=True).method.message_count
        except pika.exceptions.ChannelClosedByBroker as error:
            if error.reply_code == 404:
                return 0
            raise
    finally:
        _close(connection)
