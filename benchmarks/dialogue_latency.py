"""Dialogue latency over long conversations: turn 1-10 vs turn 191-200.

Starts one `rasa run` (from .venv-rasa, HTTP API behind a token, loopback, a
free port, a throwaway SQL tracker store written to a temp dir) and the action
server (greetings are answered by `action_greet`, which reads a throwaway shop
DB), sends N
conversations of 200 chit-chat messages each through the REST channel and
prints the median latency of turns 1-10 and 191-200 and their ratio.

    .venv/bin/python benchmarks/dialogue_latency.py              # our tracker store (rasa_addons)
    .venv/bin/python benchmarks/dialogue_latency.py --baseline   # stock Rasa SQLTrackerStore
    .venv/bin/python benchmarks/dialogue_latency.py --both       # both, one server after the other

Only rule-handled chit-chat (greet / thank / bot_challenge / goodbye) is sent,
so the catalog plays no part; every reply is checked against the expected
response, so a behaviour change shows up as "unexpected replies".
Use --tracker postgresql to run the tracker store on the local PostgreSQL
server (a temporary database is created and dropped).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ADDON_STORE, MODEL, ActionServer, RasaServer, machine  # noqa: E402

# (message, a fragment of the expected reply) - cycled over.
SCRIPT = [
    ("hi", "I'm the shop's virtual assistant"),
    ("thanks", "You're welcome"),
    ("are you a bot?", "I'm a bot"),
    ("hello there", "I'm the shop's virtual assistant"),
    ("thank you so much", "You're welcome"),
    ("am I talking to a human?", "I'm a bot"),
    ("bye", "Bye, and thanks"),
]


def pg_admin(sql: str) -> None:
    subprocess.run(
        [sys.executable, "-c", (
            "import sys; from sqlalchemy import create_engine, text\n"
            "e = create_engine('postgresql+psycopg://postgres@127.0.0.1:5432/test', isolation_level='AUTOCOMMIT')\n"
            "with e.connect() as c: c.execute(text(sys.argv[1]))\n"
        ), sql],
        check=True,
    )


def converse(client: httpx.Client, url: str, turns: int) -> tuple[list[float], list[str], int]:
    """One conversation; returns per-turn latencies (s), the replies, and the number of unexpected replies."""
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    latencies, replies, wrong = [], [], 0
    for i in range(turns):
        text, expected = SCRIPT[i % len(SCRIPT)]
        t0 = time.perf_counter()
        r = client.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
        latencies.append(time.perf_counter() - t0)
        r.raise_for_status()
        reply = "\n".join(m.get("text") or "" for m in r.json())
        replies.append(reply)
        if expected not in reply:
            wrong += 1
    return latencies, replies, wrong


def run(label: str, store_type: str, extra: dict[str, str], args: argparse.Namespace) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="dialogue-latency-"))
    pg_db = None
    try:
        if args.tracker == "postgresql":
            pg_db = f"bench_{uuid.uuid4().hex[:10]}"
            pg_admin(f'CREATE DATABASE "{pg_db}"')
            tracker = {"dialect": "postgresql", "url": "127.0.0.1", "port": "5432", "username": "postgres", "db": pg_db}
        else:
            tracker = {"dialect": "sqlite", "db": str(workdir / "tracker.db")}
        actions = ActionServer(workdir)
        server = RasaServer(workdir, store_type=store_type, tracker=tracker, extra=extra, action_url=actions.url)
        print(f"[{label}] starting the action server and rasa run (tracker store {store_type}, {args.tracker}) ...",
              flush=True)
        try:
            actions.start()
            server.start()
            with httpx.Client(timeout=60) as client:
                converse(client, server.url, args.warmup)  # warm-up: first-call costs, not history
                per_turn: list[list[float]] = [[] for _ in range(args.turns)]
                all_replies, wrong = [], 0
                for c in range(args.conversations):
                    t0 = time.perf_counter()
                    lat, replies, bad = converse(client, server.url, args.turns)
                    for i, x in enumerate(lat):
                        per_turn[i].append(x)
                    all_replies.append(replies)
                    wrong += bad
                    print(f"[{label}] conversation {c + 1}/{args.conversations}: {args.turns} turns in "
                          f"{time.perf_counter() - t0:.1f}s, turn 1 {lat[0] * 1000:.0f} ms, "
                          f"turn {args.turns} {lat[-1] * 1000:.0f} ms", flush=True)
        finally:
            server.stop()
            actions.stop()
    finally:
        if pg_db:
            pg_admin(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)
    first = statistics.median(x for turn in per_turn[:10] for x in turn)
    last = statistics.median(x for turn in per_turn[-10:] for x in turn)
    return {"label": label, "first": first, "last": last, "ratio": last / first, "wrong": wrong,
            "replies": all_replies, "turns": args.turns}


def report(res: dict, n: int) -> None:
    t = res["turns"]
    print(f"{res['label']:>9}: median turn 1-10 = {res['first'] * 1000:6.1f} ms | "
          f"median turn {t - 9}-{t} = {res['last'] * 1000:6.1f} ms | ratio = {res['ratio']:.2f} | "
          f"unexpected replies: {res['wrong']}/{n * t}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--baseline", action="store_true", help="stock Rasa SQLTrackerStore (type: SQL)")
    g.add_argument("--both", action="store_true", help="run the baseline, then ours, and compare")
    p.add_argument("--conversations", "-n", type=int, default=3)
    p.add_argument("--turns", type=int, default=200)
    p.add_argument("--warmup", type=int, default=10, help="messages of a throw-away conversation first")
    p.add_argument("--tracker", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--store", default=ADDON_STORE, help="tracker store class used without --baseline")
    args = p.parse_args()
    if args.turns < 20:
        p.error("--turns must be at least 20")
    if not MODEL.exists():
        p.error(f"{MODEL} is missing: run `make train` first")

    print(f"machine: {machine()}")
    print(f"model: {MODEL.name}, {args.conversations} conversations x {args.turns} turns, tracker store on {args.tracker}")
    runs = []
    if args.baseline or args.both:
        runs.append(run("baseline", "SQL", {}, args))
    if not args.baseline:
        runs.append(run("windowed", args.store, {}, args))
    print()
    for res in runs:
        report(res, args.conversations)
    if len(runs) == 2:
        same = runs[0]["replies"] == runs[1]["replies"]
        print(f"replies identical between baseline and windowed: {same}")
    ok = all(r["wrong"] == 0 for r in runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
