"""The `bot/` services at a real shop's size (issue 18): search and recommendations, timed directly.

Seeds, or reuses, a shop of 100,000 products, 20,000 customers and 1,000,000 orders on
SQLite (``var/scale/shop.db``, never committed) and on PostgreSQL (database
``shopbot_scale`` on 127.0.0.1:5432, created through the ``test`` database; skipped with
the reason when the server is not there), migrates it, rebuilds the aggregates, and
prints each figure beside the one measured on the code before issue 18
(``benchmarks/scale_before.json``).

    .venv/bin/python benchmarks/scale.py                  # both databases (make bench-scale)
    .venv/bin/python benchmarks/scale.py --only sqlite
    .venv/bin/python benchmarks/scale.py --search --hits var/scale/hits.json   # search only, per question
    .venv/bin/python benchmarks/scale.py --record-before benchmarks/scale_before.json   # on the old code
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks._common import machine, percentile  # noqa: E402
from bot.catalog import find_products  # noqa: E402
from bot.db import make_engine  # noqa: E402
from bot.migrate import upgrade  # noqa: E402
from bot.models import Category, Customer, Order, Product  # noqa: E402
from bot.orders.lookup import orders_for_customer  # noqa: E402
from bot.recommendations import best_sellers, for_customer, top_rated  # noqa: E402
from bot.settings import VAR_DIR  # noqa: E402

SIZES = {"products": 100_000, "customers": 20_000, "orders": 1_000_000}
SQLITE_URL = f"sqlite:///{VAR_DIR / 'scale' / 'shop.db'}"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_DATABASE = "shopbot_scale"
BEFORE = Path(__file__).with_name("scale_before.json")
REPEATS = 5
# Typical visitor questions: searches with filters, keywords, typos, and ones that only
# the relaxation of filters answers ("red dress size S", "watches under $1").
QUESTIONS = [
    "do you have running shoes under 80 dollars", "black hoodie size M", "red dress size S",
    "red dress size S under 50", "waterproof jackets", "cheapest t-shirts", "nike sneakers",
    "watches under $1", "I'm hunting for a grey nike hoodie, 70 dollars max",
    "do you have hiking boots in size 44?", "ok so i need a blue tee for my son",
    "white sneakers in size 41", "jeans in size 32, under 90", "noise cancelling headphones",
    "leather backpack for uni", "do you sell xylophonezz", "top rated headphones", "wireless earbuds",
    "a warm winter jacket", "sneekers in blue",
]
TARGETS = {"find_products p95": 20, "best_sellers": 10, "top_rated": 10, "for_customer": 30,
           "orders_for_customer": 10}


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _repeat(call, repeats: int = REPEATS) -> list[float]:
    return [_timed(call) for _ in range(repeats)]


def _shop_size(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count(Product.id))), session.scalar(select(func.count(Order.id)))
    except OperationalError:
        return 0, 0
    finally:
        engine.dispose()


def prepare(url: str) -> None:
    """Migrate; seed unless the database already holds the shop of ``SIZES``."""
    (VAR_DIR / "scale").mkdir(parents=True, exist_ok=True)
    upgrade(url)
    if _shop_size(url) == (SIZES["products"], SIZES["orders"]):
        return
    print(f"seeding {url} (a few minutes, once; kept for the next runs)", flush=True)
    subprocess.run([sys.executable, "-m", "bot.seed", "--reset", "--database-url", url,
                    *(f"--{k}={v}" for k, v in SIZES.items())], check=True)
    if url.startswith("postgresql"):
        # What autovacuum would do a minute later (its insert threshold): statistics, the
        # visibility map index-only scans need, and GIN pending lists merged. VACUUM runs
        # outside a transaction.
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
        engine.dispose()


def refresh(url: str) -> float | None:
    """Rebuild the aggregates (code from issue 18 on); seconds, or None on older code."""
    try:
        from bot.aggregates import refresh_aggregates
    except ImportError:
        return None
    engine = make_engine(url)
    with Session(engine) as session:
        started = time.perf_counter()
        refresh_aggregates(session)
        session.commit()
    engine.dispose()
    return time.perf_counter() - started


def measure(url: str) -> dict[str, float]:
    """Figures in ms: each service's median over typical calls (search: p50/p95 of all calls)."""
    engine = make_engine(url)
    figures: dict[str, float] = {}
    with Session(engine) as session:
        figures["parser build (first search, s)"] = _timed(lambda: find_products(session, text="socks")) / 1000
        searches = {q: _repeat(lambda q=q: find_products(session, text=q)) for q in QUESTIONS}
        every = [ms for runs in searches.values() for ms in runs]
        figures["find_products p50"] = percentile(every, 50)
        figures["find_products p95"] = percentile(every, 95)
        figures['find_products "red dress size S"'] = statistics.median(searches["red dress size S"])
        slugs = list(session.scalars(select(Category.slug).order_by(Category.id).limit(4)))
        figures["best_sellers"] = statistics.median(
            ms for slug in (None, *slugs) for ms in _repeat(lambda s=slug: best_sellers(session, category_slug=s)))
        figures["top_rated"] = statistics.median(
            ms for slug in (None, *slugs) for ms in _repeat(lambda s=slug: top_rated(session, category_slug=s)))
        emails = list(session.scalars(select(Customer.email).where(Customer.id % 1000 == 7).limit(20)))
        personal = [ms for e in emails for ms in _repeat(lambda e=e: for_customer(session, email=e), 2)]
        figures["for_customer"] = statistics.median(personal)
        figures["for_customer max"] = max(personal)
        figures["orders_for_customer"] = statistics.median(
            ms for e in emails for ms in _repeat(lambda e=e: orders_for_customer(session, email=e), 2))
    engine.dispose()
    return figures


def measure_search(url: str) -> tuple[dict[str, float], dict[str, dict]]:
    """Search only: p50/p95 as in ``measure`` and each question's median (ms), and each
    question's answer (keywords, filters dropped, ids shown) to compare two versions by."""
    engine = make_engine(url)
    figures: dict[str, float] = {}
    answers: dict[str, dict] = {}
    with Session(engine) as session:
        figures["parser build (first search, s)"] = _timed(lambda: find_products(session, text="socks")) / 1000
        searches = {q: _repeat(lambda q=q: find_products(session, text=q)) for q in QUESTIONS}
        every = [ms for runs in searches.values() for ms in runs]
        figures["find_products p50"] = percentile(every, 50)
        figures["find_products p95"] = percentile(every, 95)
        for q, runs in searches.items():
            figures[f'find_products "{q}"'] = statistics.median(runs)
            result = find_products(session, text=q)
            answers[q] = {"keywords": list(result.query.keywords), "relaxed": list(result.relaxed),
                          "ids": [h.id for h in result.hits]}
    engine.dispose()
    return figures, answers


def postgres_ready(database: str) -> str | None:
    """None when the PostgreSQL database is there (created if needed), else why not."""
    admin = create_engine(f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}) is None:
                conn.execute(text(f'CREATE DATABASE "{database}"'))
    except OperationalError as exc:
        return f"PostgreSQL is not reachable at 127.0.0.1:5432 ({exc.orig.__class__.__name__})"
    finally:
        admin.dispose()
    return None


def _cell(value: float | None, unit: str = "ms") -> str:
    if value is None:
        return "-"
    return f"{value:.2f} s" if unit == "s" else f"{value:,.1f}"


def report(results: dict[str, dict[str, float]], before: dict[str, dict[str, float]]) -> None:
    backends = list(results)
    head = ["what (ms)", "target"] + [f"{b} {w}" for b in backends for w in ("before", "after")]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for name in results[backends[0]]:
        unit = "s" if name.endswith("s)") else "ms"
        cells = [name, f"≤ {TARGETS[name]}" if name in TARGETS else ""]
        for b in backends:
            cells += [_cell(before.get(b, {}).get(name), unit), _cell(results[b].get(name), unit)]
        print("| " + " | ".join(cells) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument("--record-before", type=Path, help="write the figures to this file as the 'before'")
    parser.add_argument("--search", action="store_true",
                        help="time search only, each question apart (no aggregates, no other services)")
    parser.add_argument("--pg-database", default=PG_DATABASE,
                        help="the PostgreSQL database (a copy, e.g. CREATE DATABASE x TEMPLATE shopbot_scale, "
                             "to try a migration without moving the shared one)")
    parser.add_argument("--hits", type=Path, help="with --search: write each question's answer to this JSON file")
    args = parser.parse_args()
    print(f"machine: {machine()}; {time.strftime('%Y-%m-%d %H:%M %Z')}", flush=True)
    results: dict[str, dict[str, float]] = {}
    answers: dict[str, dict[str, dict]] = {}
    for backend, url in (("sqlite", SQLITE_URL), ("postgresql", f"{PG_SERVER}/{args.pg_database}")):
        if args.only and args.only != backend:
            continue
        if backend == "postgresql" and (why := postgres_ready(args.pg_database)):
            print(f"skipping PostgreSQL: {why}")
            continue
        prepare(url)
        if args.search:
            results[backend], answers[backend] = measure_search(url)
            print(f"{backend}: done", flush=True)
            continue
        seconds = refresh(url)
        results[backend] = measure(url)
        if seconds is not None:
            results[backend]["aggregates refresh (s)"] = seconds
        print(f"{backend}: done", flush=True)
    if not results:
        return 1
    if args.hits:
        args.hits.write_text(json.dumps(answers, indent=2) + "\n")
    if args.record_before:
        args.record_before.write_text(json.dumps(results, indent=2) + "\n")
    before = json.loads(BEFORE.read_text()) if BEFORE.exists() and not args.record_before else {}
    report(results, before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
