"""The summary tables' commands.

    python -m bot.summaries follow      # build them if missing, then apply the broker's events as they come
                                        # (and sweep the tracker store for any the broker lost)
    python -m bot.summaries backfill    # apply every tracker event again (--rebuild: from empty tables)
    python -m bot.summaries status      # how far behind the feed is
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time

from sqlalchemy import func, select

from bot.db import make_engine
from bot.logging_setup import configure_logging
from bot.settings import get_settings
from bot.summaries import backfill as backfilling
from bot.summaries import feed_sql
from bot.summaries import sweep as sweeping
from bot.summaries.status import feed_status
from bot.summaries.tables import ensure_tables, summaries


def _backfill(tracker, *, rebuild: bool) -> None:
    started = time.perf_counter()
    done = backfilling.backfill(tracker, rebuild=rebuild,
                                progress=lambda n: print(f"  {n:,} events", end="\r", file=sys.stderr, flush=True))
    print(f"summaries built from {done:,} tracker events in {time.perf_counter() - started:.1f} s", flush=True)


def _follow(tracker, settings) -> None:
    with tracker.begin() as conn:
        fresh = ensure_tables(conn)
    sweeping.start_at_newest(tracker)
    if fresh:  # first start, or a new layout: what the tracker store already holds comes first
        _backfill(tracker, rebuild=False)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    # What the broker lost (a replica killed after storing a turn, a dropped connection), the
    # tracker store still has: swept every few seconds beside the broker's feed (sweep.py).
    sweeper = threading.Thread(target=sweeping.follow, args=(tracker,), kwargs={"stop": stop},
                               name="tracker-sweep", daemon=True)
    sweeper.start()
    if settings.amqp_url:
        from bot.summaries import feed_amqp  # pika is only needed where RabbitMQ is used
        feed_amqp.follow(tracker, settings.amqp_url, queue=settings.amqp_queue, exchange=settings.amqp_exchange,
                         stop=stop)
    else:
        feed_sql.follow(tracker, make_engine(settings.broker_database_url), stop=stop)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.summaries", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("follow", help="apply the event broker's events as they come")
    rebuild = sub.add_parser("backfill", help="apply every tracker event")
    rebuild.add_argument("--rebuild", action="store_true", help="drop the summary tables first")
    sub.add_parser("status", help="summarised conversations and the feed's backlog")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(process="summaries", fmt=settings.log_format)
    tracker = make_engine(settings.tracker_database_url)
    if args.command == "backfill":
        _backfill(tracker, rebuild=args.rebuild)
    elif args.command == "follow":
        _follow(tracker, settings)
    else:
        with tracker.begin() as conn:
            ensure_tables(conn)
            count = conn.execute(select(func.count()).select_from(summaries)).scalar() or 0
        if settings.amqp_url:
            from bot.summaries import feed_amqp
            backlog = feed_amqp.lag(settings.amqp_url, settings.amqp_queue)
        else:
            backlog = feed_sql.lag(tracker, make_engine(settings.broker_database_url))
        with tracker.connect() as conn:
            status = feed_status(conn)
        alive = f"feed last reported {status.alive_at:%Y-%m-%d %H:%M:%S} UTC" if status.alive_at else "no feed has run"
        print(f"{count:,} conversations summarised; {backlog:,} broker events waiting; {alive}"
              + (" (silent)" if status.silent else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
