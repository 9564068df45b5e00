"""Console conversation list over a large tracker store: time of one page, plain and filtered.

Fills a throwaway SQLite tracker store (Rasa's `events` table) with N conversations of
23 events each (5 turns: visitor message, action, bot message, listen), then times
`list_conversations` for a plain page deep in the list and for a filtered page
(intent + confidence below a threshold), as the console runs them.

    .venv/bin/python benchmarks/console_list.py                 # 3,000 / 10,000 / 30,000 conversations
    .venv/bin/python benchmarks/console_list.py --sizes 1000    # one size
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.db import make_engine  # noqa: E402
from bot.transcripts.conversations import ConversationFilters, list_conversations  # noqa: E402
from bot.transcripts.store import metadata  # noqa: E402
from tests.bot.tracker_events import TrackerWriter  # noqa: E402 - writes rows shaped as Rasa writes them

REPEATS = 5


def fill(url: str, conversations: int) -> None:
    engine = make_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        writer = TrackerWriter(conn)
        for n in range(conversations):
            sender = f"visitor-{n:06d}"
            writer.session(sender)
            for turn in range(5):
                intent = "product_search" if n % 7 else "order_status"
                writer.user(sender, f"message {turn} of {n}", intent, 0.5 + turn / 10)
                writer.action(sender, "action_search_products").bot(sender, "found it")
                writer.action(sender, "action_listen")
            if len(writer.rows) > 20_000:
                writer.write()
        writer.write()
    engine.dispose()


def timed(conn, **kwargs) -> float:
    runs = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        list_conversations(conn, **kwargs)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3_000, 10_000, 30_000])
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite")
    print(f"{'conversations':>13} {'events':>9} {'plain page 40':>14} {'filtered page 3':>16}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/tracker.db"
            fill(url, size)
            engine = make_engine(url)
            with engine.connect() as conn:
                list_conversations(conn)  # warm the page cache
                plain = timed(conn, page=40, per_page=25)
                filtered = timed(conn, filters=ConversationFilters(intent="order_status", confidence_below=0.6),
                                 page=3, per_page=25)
            engine.dispose()
        print(f"{size:>13,} {size * 23:>9,} {plain * 1000:>11.0f} ms {filtered * 1000:>13.0f} ms")


if __name__ == "__main__":
    main()
