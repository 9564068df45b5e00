"""The staff console at a real shop's size (issue 18): conversation list, transcript search, analytics.

Builds once, then reuses, a tracker store (Rasa's ``events`` table) of 100,000 varied conversations,
about 2.3M events (benchmarks/large_tracker.py): on SQLite in ``var/scale/tracker.db`` (never committed)
and on PostgreSQL in ``shopbot_scale_tracker`` on 127.0.0.1:5432 (skipped, with the reason, when the
server is not there). A store is reused when its ``bench_meta`` row and event count match, else rebuilt.
It then times what the console runs (median of 5 runs after a warm-up, ms): pages of the conversation
list (``list_conversations`` with the filters ``bot.review.listing.tracker_filters`` makes of the
console's query), transcript searches, and the analytics dashboard for the 30 days up to the store's
newest day (``build_dashboard`` and its tracker parts; the shop DB it also reads is a throwaway SQLite
one with a handoff request per handed-over conversation). A call still running after ``--timeout``
seconds is interrupted and counts as timed out. Figures are printed beside those measured on the code
before the summary tables of issue 18 part 3 (``benchmarks/console_scale_before.json``).

    .venv/bin/python benchmarks/console_scale.py                       # both databases
    .venv/bin/python benchmarks/console_scale.py --only sqlite --conversations 10000
    .venv/bin/python benchmarks/console_scale.py --record-before benchmarks/console_scale_before.json \
        --cache-dir /work/main/var/scale                # from a checkout of the old code, same store

When ``bot.summaries`` exists (issue 18 part 3), its backfill builds the summary tables before the
timing, and how long it took is printed (``--no-backfill`` skips it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, create_engine, func, insert, select, text  # noqa: E402
from sqlalchemy.exc import DBAPIError, OperationalError  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks._common import machine  # noqa: E402
from benchmarks.large_tracker import build, stored_size  # noqa: E402
from bot.analytics import build_dashboard, period_of_days  # noqa: E402
from bot.analytics.conversations import (  # noqa: E402
    conversation_totals, conversations_per_day, count_conversations_among, lowest_confidence_intents, top_intents,
)
from bot.analytics.handoffs import handed_over_senders  # noqa: E402
from bot.db import make_engine  # noqa: E402
from bot.migrate import upgrade  # noqa: E402
from bot.models import HandoffReason, HandoffRequest, HandoffStatus  # noqa: E402
from bot.review.listing import ListQuery, tracker_filters  # noqa: E402
from bot.settings import get_settings  # noqa: E402
from bot.transcripts.conversations import list_conversations  # noqa: E402
from bot.transcripts.store import events  # noqa: E402

try:
    from bot.summaries.backfill import backfill  # the summary tables (issue 18 part 3)
except ImportError:
    backfill = None

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_DATABASE = "shopbot_scale_tracker"
BEFORE = Path(__file__).with_name("console_scale_before.json")
PER_PAGE = 25  # api/console/conversations.py
CONVERSATIONS = 100_000
TARGETS = {"list": 100, "search": 200, "analytics": 200}  # ms, issue 18


# --- the store ------------------------------------------------------------------------


def _pg_admin(*statements: str) -> None:
    admin = create_engine(f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            for sql in statements:
                conn.execute(text(sql))
    finally:
        admin.dispose()


def postgres_ready() -> str | None:
    """None when the PostgreSQL server answers (``prepare`` creates the database), else why not."""
    try:
        _pg_admin("SELECT 1")
    except OperationalError as exc:
        return f"PostgreSQL is not reachable at 127.0.0.1:5432 ({exc.orig.__class__.__name__})"
    return None


def prepare(backend: str, url: str, n: int) -> tuple[float, float | None]:
    """The store of ``n`` conversations, built unless reusable: (anchor, build seconds or None)."""
    engine = make_engine(url)
    stored = stored_size(engine)
    engine.dispose()
    if stored and stored[0] == n:
        return stored[1], None
    print(f"{backend}: building a tracker store of {n:,} conversations (once; kept for the next runs)", flush=True)
    if backend == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
    else:
        _pg_admin(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)', f'CREATE DATABASE "{PG_DATABASE}"')
    started = time.perf_counter()
    build(url, n)
    return stored_size(make_engine(url))[1], time.perf_counter() - started


def store_line(engine: Engine, url: str) -> str:
    with engine.connect() as conn:
        n, count = conn.execute(text("SELECT conversations, events FROM bench_meta")).one()
        if engine.dialect.name == "postgresql":
            size = conn.scalar(text("SELECT pg_database_size(current_database())"))
        else:
            size = sum(p.stat().st_size for p in Path(url.removeprefix("sqlite:///")).parent.glob("tracker.db*"))
    return f"{n:,} conversations, {count:,} events, {size / 2**20:,.0f} MiB"


# --- the shop DB the dashboard also reads -----------------------------------------------------


def shop_session(workdir: Path, tracker: Engine) -> Session:
    """A migrated SQLite shop DB with a (closed) handoff request for every handed-over conversation."""
    url = f"sqlite:///{workdir / 'shop.db'}"
    upgrade(url)
    with tracker.connect() as conn:
        handed = conn.execute(select(events.c.sender_id, func.min(events.c.timestamp))
                              .where(events.c.action_name == "action_handoff").group_by(events.c.sender_id)).all()
    session = Session(make_engine(url))
    session.execute(insert(HandoffRequest), [
        {"sender_id": sid, "reason": HandoffReason.FALLBACK if i % 3 == 0 else HandoffReason.ASKED,
         "status": HandoffStatus.CLOSED, "created_at": (at := datetime.fromtimestamp(ts, timezone.utc)),
         "closed_at": at + timedelta(minutes=20)} for i, (sid, ts) in enumerate(handed)])
    session.commit()
    return session


# --- the figures --------------------------------------------------------------------------


def figures(session: Session, anchor: float) -> dict[str, object]:
    """What the console runs, by name: callables of the tracker connection."""
    zone = ZoneInfo(get_settings().support_timezone)
    today = datetime.fromtimestamp(anchor, zone).date()
    period = period_of_days(zone=str(zone), today=today)  # the dashboard's default: 30 days up to today

    def page(number: int = 1, **query):
        filters = tracker_filters(session, query=ListQuery(**query), zone=zone, masked=False)
        return lambda conn: list_conversations(conn, filters=filters, page=number, per_page=PER_PAGE)

    return {
        "list: page 1": page(),
        "list: page 200": page(200),
        "list: intent order_status + confidence < 0.6": page(intent="order_status", confidence_below=0.6),
        "list: fallback": page(fallback=True),
        "list: handoff": page(handoff=True),
        "list: 8-day range (3 weeks ago)": page(since=today - timedelta(days=21), until=today - timedelta(days=14)),
        'search: "refund"': page(text="refund"),
        'search: "hoodie"': page(text="hoodie"),
        'search: "xl" (2 characters)': page(text="xl"),
        "analytics: whole dashboard (30 days)": lambda conn: build_dashboard(session, conn, period=period),
        "analytics: conversations_per_day": lambda conn: conversations_per_day(conn, period=period),
        "analytics: conversation_totals": lambda conn: conversation_totals(conn, period=period),
        "analytics: count_conversations_among (handed over)": lambda conn: count_conversations_among(
            conn, period=period, sender_ids=handed_over_senders(session, period=period)),
        "analytics: top_intents": lambda conn: top_intents(conn, period=period),
        "analytics: lowest_confidence_intents": lambda conn: lowest_confidence_intents(conn, period=period),
    }


def _timed(conn, call, limit: float) -> tuple[float | None, object]:
    """(ms, result) of one call, the database call interrupted after ``limit`` s: (None, None) then."""
    raw = conn.connection.driver_connection
    timer = threading.Timer(limit, raw.cancel if conn.dialect.name == "postgresql" else raw.interrupt)
    started = time.perf_counter()
    timer.start()
    try:
        result = call(conn)
    except DBAPIError:
        if time.perf_counter() - started < limit:
            raise
        return None, None
    finally:
        timer.cancel()
        conn.rollback()  # a request's transaction ends with it
    seconds = time.perf_counter() - started  # over the limit between two statements: timed out too
    return (None, None) if seconds > limit else (seconds * 1000, result)


def measure(engine: Engine, session: Session, anchor: float, repeats: int, limit: float):
    """({name: median ms or None when timed out}, {name: conversations found})."""
    results, found = {}, {}
    with engine.connect() as conn:
        for name, call in figures(session, anchor).items():
            ms, result = _timed(conn, call, limit)  # warm-up
            runs = [ms] if ms is None else [_timed(conn, call, limit)[0] for _ in range(repeats)]
            results[name] = None if None in runs else statistics.median(runs)
            found[name] = getattr(result, "total", None)
            print(f"  {name}: {_cell(results[name], limit)} ms", flush=True)
    return results, found


# --- the report -----------------------------------------------------------------------------


def _cell(value: float | None, limit: float) -> str:
    return f"> {limit * 1000:,.0f} (timed out)" if value is None else f"{value:,.1f}"


def report(backend: str, line: str, results: dict, found: dict, before: dict, limit: float) -> None:
    then = before.get(backend, {})
    print(f"\n{backend}: {line}\n| what (ms) | target | before | now | conversations found |\n|---|---|---|---|---|")
    for name, ms in results.items():
        old = _cell(then[name], limit) if name in then else "-"
        shown = "" if found.get(name) is None else f"{found[name]:,}"
        print(f"| {name} | ≤ {TARGETS[name.split(':')[0]]} | {old} | {_cell(ms, limit)} | {shown} |")


BENCH_FEED = "bench backfill"  # a summary_feed row: the newest event id the backfill has read


def summaries_current(engine) -> bool:
    """Were the summary tables, at today's layout, built from every event of the store?"""
    from sqlalchemy import func, select

    from bot.summaries.tables import ensure_tables, feeds
    from bot.transcripts.store import events

    with engine.begin() as conn:
        if ensure_tables(conn):  # created now, or rebuilt for a new layout
            return False
        done = conn.execute(select(feeds.c.position).where(feeds.c.name == BENCH_FEED)).scalar()
        return done is not None and done == conn.execute(select(func.max(events.c.id))).scalar()


def mark_summarised(engine) -> None:
    from sqlalchemy import func, select

    from bot.summaries.tables import save_feed
    from bot.transcripts.store import events

    with engine.begin() as conn:
        save_feed(conn, BENCH_FEED, position=conn.execute(select(func.max(events.c.id))).scalar() or 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument("--conversations", type=int, default=CONVERSATIONS, help="size of the store (100,000)")
    parser.add_argument("--record-before", type=Path, help="write the figures to this file as the 'before'")
    parser.add_argument("--no-backfill", action="store_true", help="do not build the summary tables first")
    parser.add_argument("--cache-dir", type=Path, default=ROOT / "var" / "scale", help="where tracker.db lives")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60, help="seconds before a call counts as timed out")
    args = parser.parse_args()
    print(f"machine: {machine()}; {time.strftime('%Y-%m-%d %H:%M %Z')}", flush=True)
    # The before figures are of the default store: beside another size they would mislead.
    comparable = BEFORE.exists() and not args.record_before and args.conversations == CONVERSATIONS
    before = json.loads(BEFORE.read_text()) if comparable else {}
    results: dict[str, dict] = {}
    lines: dict[str, str] = {}
    for backend, url in (("sqlite", f"sqlite:///{args.cache_dir.resolve() / 'tracker.db'}"),
                         ("postgresql", f"{PG_SERVER}/{PG_DATABASE}")):
        if args.only and args.only != backend:
            continue
        if backend == "postgresql" and (why := postgres_ready()):
            print(f"skipping PostgreSQL: {why}")
            continue
        anchor, built = prepare(backend, url, args.conversations)
        engine = make_engine(url)
        lines[backend] = store_line(engine, url) + (f"; built in {built:.0f} s" if built is not None else "")
        print(f"{backend}: {lines[backend]}", flush=True)
        if backfill is not None and not args.no_backfill:
            if summaries_current(engine):
                print(f"{backend}: summaries already built from every event (run with a new layout to rebuild)")
            else:
                started = time.perf_counter()
                count = backfill(engine)
                mark_summarised(engine)
                print(f"{backend}: summaries backfilled from {count:,} events in {time.perf_counter() - started:.1f} s")
        with tempfile.TemporaryDirectory() as workdir, shop_session(Path(workdir), engine) as session:
            results[backend], found = measure(engine, session, anchor, args.repeats, args.timeout)
            session.get_bind().dispose()
        engine.dispose()
        report(backend, lines[backend], results[backend], found, before, args.timeout)
    if not results:
        return 1
    if args.record_before:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        stores = "; ".join(f"{b}: {line}" for b, line in lines.items())
        old = json.loads(args.record_before.read_text()) if args.record_before.exists() else {}
        measured = (f"{time.strftime('%Y-%m-%d')}, code at {commit}, benchmarks/console_scale.py run from a "
                    f"checkout of it ({stores}; a call over {args.timeout:g} s is null, timed out); {machine()}")
        old.update({"measured": measured, **results})
        args.record_before.write_text(json.dumps(old, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
