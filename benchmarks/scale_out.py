"""Scale-out benchmark (issue #19): the scaled mode with 1 and then 2 Rasa replicas, under load.

    make bench-scale-out                      # 1 and 2 replicas, 32 and 128 conversations
    .venv/bin/python benchmarks/scale_out.py --replicas 1,2 --concurrency 32,128 --messages 800

For each replica count it starts the topology `make run-scaled` starts (scripts/scaled.py:
PostgreSQL tracker store and shop DB, Redis lock store, push hub, locks and rate limits,
RabbitMQ event broker and the summary feed, 2 action servers, a gateway with 2 workers) on
fresh databases, and drives C concurrent visitors through the gateway's /api/chat with the
realistic mix of benchmarks/throughput.py (search, follow-ups, orders with verification,
policies, small talk). For each level it prints msg/s, p50/p95/p99, errors, and CPU ms per
message of each kind of process (every Rasa replica together, and per replica; the action
servers; the gateway's workers; the summary feed; PostgreSQL, Redis and RabbitMQ, read from
/proc over the run, so other work on the machine counts in them). After each replica count
it counts the tracker store's visitor messages against the messages the gateway answered
(nothing lost, nothing doubled), and the console's summary turns against those (the broker
lost nothing). Then a sizing table: messages per second per core of Rasa, and memory per
replica. Results are also written to var/bench/scale_out.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, cpu_seconds, free_port, machine, memory_mb, process_tree  # noqa: E402
import throughput  # noqa: E402
from throughput import UNTHROTTLED, GatewayPath, read_shop, shop_visits  # noqa: E402

from scripts.scaled import Topology  # noqa: E402

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
SHOP_DB, TRACKER_DB = "shopbot_bench_scaleout_shop", "shopbot_bench_scaleout_tracker"
OUT = ROOT / "var" / "bench" / "scale_out.json"
SERVERS = {"postgres": ("postgres",), "redis": ("redis-server",), "rabbitmq": ("beam.smp",)}


class CountingPath(GatewayPath):
    """The gateway path, counting every message it got an answer to (warm-up included)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.answered = 0
        self.failed = 0

    async def send(self, client: httpx.AsyncClient, conversation: dict[str, str], text: str) -> list:
        try:
            messages = await super().send(client, conversation, text)
        except Exception:
            self.failed += 1
            raise
        self.answered += 1
        return messages


def server_pids() -> dict[str, list[int]]:
    """The machine's PostgreSQL, Redis and RabbitMQ processes, by their command names."""
    found: dict[str, list[int]] = {kind: [] for kind in SERVERS}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue
        for kind, names in SERVERS.items():
            if comm in names:
                found[kind].append(int(entry.name))
    return found


def _ticks(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += cpu_seconds(pid)
        except (OSError, ValueError, IndexError):
            pass
    return total


def cpu_by_kind(topology: Topology) -> dict[str, float]:
    """CPU seconds so far of each kind of process, and of each Rasa replica."""
    pids = topology.pids()
    kinds: dict[str, list[int]] = {}
    for name, pid in pids.items():
        kinds.setdefault(name.split("-")[0], []).append(pid)
        if name.startswith("rasa-"):
            kinds[name] = [pid]
    kinds.update(server_pids())
    return {kind: _ticks(p) for kind, p in kinds.items()}


def run_level(topology: Topology, path: CountingPath, visits: list[list[str]], concurrency: int,
              messages: int, warmup: int) -> dict[str, Any]:
    """throughput.py's level (warm-up, then ``messages`` measured), CPU read per kind of process."""
    level = asyncio.run(throughput.run_level(path, visits, concurrency, messages, warmup, {},
                                             cpu=lambda: cpu_by_kind(topology)))
    return {"replicas": topology.rasa, **level}


def count_stored(topology: Topology) -> dict[str, int]:
    """Visitor messages in the tracker store (sent ones; second halves of split messages apart),
    and turns in the console's summary table."""
    from sqlalchemy import create_engine, text

    engine = create_engine(topology.tracker_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT data FROM events WHERE type_name = 'user'")).scalars().all()
            turns = conn.execute(text("SELECT count(*) FROM conversation_turns")).scalar_one()
    finally:
        engine.dispose()
    split = sum(1 for row in rows if "split_from" in (json.loads(row).get("metadata") or {}))
    return {"user_events": len(rows), "sent_messages_stored": len(rows) - split, "summary_turns": turns}


def wait_for_summaries(topology: Topology, timeout: float = 120) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        counts = count_stored(topology)
        if counts["summary_turns"] >= counts["user_events"] or time.monotonic() > deadline:
            return counts
        time.sleep(1)


def fresh_databases() -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for name in (SHOP_DB, TRACKER_DB):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def measure(replicas: int, args: argparse.Namespace) -> dict[str, Any]:
    fresh_databases()
    tag = uuid.uuid4().hex[:8]
    topology = Topology(
        workdir=Path(tempfile.mkdtemp(prefix="scale-out-")), rasa=replicas, actions=args.actions, workers=args.workers,
        api_port=free_port(), rasa_port=_free_run(replicas), action_port=_free_run(args.actions), pg_server=PG_SERVER,
        shop_db=SHOP_DB, tracker_db=TRACKER_DB, amqp_queue=f"bench-scale-out-{tag}",
        amqp_exchange=f"bench-scale-out-{tag}", extra_env=dict(UNTHROTTLED),
    )
    result: dict[str, Any] = {"replicas": replicas, "levels": []}
    try:
        topology.prepare(quiet=True)
        visits = shop_visits(*read_shop(topology.shop_db_url))
        started = time.perf_counter()
        topology.start()
        result["start_s"] = time.perf_counter() - started
        result["rss_loaded_mb"] = [memory_mb(pid) for name, pid in sorted(topology.pids().items())
                                   if name.startswith("rasa-")]
        print(f"[{replicas} replica(s)] ready in {result['start_s']:.0f} s; Rasa RSS "
              f"{', '.join(f'{m:.0f}' for m in result['rss_loaded_mb'])} MB", file=sys.stderr, flush=True)
        path = CountingPath(topology.api_url)
        for c in args.concurrency:
            level = run_level(topology, path, visits, c, args.messages, args.warmup or 2 * c)
            result["levels"].append(level)
            print(f"[{replicas} replica(s)] C={c}: {level['msg_per_s']:.1f} msg/s, p95 {level['p95_ms']:.0f} ms, "
                  f"{level['errors']} errors", file=sys.stderr, flush=True)
        result["rss_after_mb"] = [memory_mb(pid) for name, pid in sorted(topology.pids().items())
                                  if name.startswith("rasa-")]
        # Each process's RSS after the run (the gateway: its largest worker; uvicorn's parent is small).
        result["rss_by_process_mb"] = {name: max(memory_mb(p) for p in process_tree(pid))
                                       for name, pid in sorted(topology.pids().items())}
        result["answered"], result["failed"] = path.answered, path.failed
        result["stored"] = wait_for_summaries(topology)
    finally:
        topology.stop()
        _delete_queue(topology.amqp_queue, topology.amqp_exchange)
    return result


def _free_run(count: int) -> int:
    """The first of ``count`` consecutive free loopback ports."""
    import socket

    for _ in range(100):
        first = free_port()
        try:
            for port in range(first, first + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError(f"no {count} free ports in a row")


def _delete_queue(queue: str, exchange: str) -> None:
    try:
        import pika

        connection = pika.BlockingConnection(pika.URLParameters("amqp://guest:guest@127.0.0.1:5672/%2F"))
        channel = connection.channel()
        channel.queue_delete(queue)
        channel.exchange_delete(exchange)
        connection.close()
    except Exception:  # noqa: BLE001 - a leftover queue is harmless; say nothing
        pass


KINDS = ("rasa", "actions", "gateway", "summaries", "postgres", "redis", "rabbitmq", "client")


def report(results: list[dict[str, Any]]) -> None:
    print()
    print("CPU: milliseconds of CPU per message (user+system, /proc) of each kind of process, all its replicas together.")
    head = f"{'replicas':>8} {'C':>4} {'msgs':>5} {'msg/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} " \
           + " ".join(f"{k:>9}" for k in KINDS)
    print(head)
    print("-" * len(head))
    for r in results:
        for lv in r["levels"]:
            cpu = lv["cpu_ms_per_msg"]
            print(f"{r['replicas']:>8} {lv['concurrency']:>4} {lv['messages']:>5} {lv['msg_per_s']:>6.1f} "
                  f"{lv['p50_ms']:>7.0f} {lv['p95_ms']:>7.0f} {lv['p99_ms']:>7.0f} {lv['errors']:>6} "
                  + " ".join(f"{cpu.get(k, float('nan')):>9.1f}" for k in KINDS))
    print()
    for r in results:
        s = r["stored"]
        lost = r["answered"] - s["sent_messages_stored"]
        print(f"{r['replicas']} replica(s): {r['answered']} messages answered, {r['failed']} failed; the tracker store "
              f"holds {s['sent_messages_stored']} of them ({'nothing lost or doubled' if lost == 0 else f'{lost:+d} off'})"
              f"; summary turns {s['summary_turns']} for {s['user_events']} visitor events "
              f"({'the broker lost nothing' if s['summary_turns'] == s['user_events'] else 'MISMATCH'}); "
              f"Rasa RSS per replica {', '.join(f'{m:.0f}' for m in r['rss_after_mb'])} MB after the run")
        print("  RSS after the run, MB: " + ", ".join(f"{name} {mb:.0f}" for name, mb in r["rss_by_process_mb"].items()))
        for lv in r["levels"]:
            for sample in lv["error_samples"]:
                print(f"  error (C={lv['concurrency']}): {sample}")
    by = {(r["replicas"], lv["concurrency"]): lv for r in results for lv in r["levels"]}
    for (replicas, c), lv in sorted(by.items()):
        one = by.get((1, c))
        if replicas > 1 and one:
            print(f"C={c}: {replicas} replicas / 1 replica = {lv['msg_per_s'] / one['msg_per_s']:.2f}x msg/s")
    print()
    print("Sizing (from the busiest level of each run):")
    for r in results:
        busiest = max(r["levels"], key=lambda lv: lv["msg_per_s"])
        rasa_ms = busiest["cpu_ms_per_msg"]["rasa"]
        total_ms = sum(busiest["cpu_ms_per_msg"].get(k, 0.0) for k in KINDS if k != "client")
        print(f"  {r['replicas']} replica(s): Rasa {rasa_ms:.1f} CPU ms per message -> {1000 / rasa_ms:.0f} msg/s per "
              f"core of Rasa; all service processes {total_ms:.1f} ms -> {1000 / total_ms:.0f} msg/s per core "
              f"for the whole stack; {os.cpu_count()} cores here")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ints = lambda s: [int(x) for x in s.split(",") if x]  # noqa: E731
    parser.add_argument("--replicas", type=ints, default=[1, 2])
    parser.add_argument("--concurrency", type=ints, default=[32, 128])
    parser.add_argument("--messages", type=int, default=800, help="measured messages per level")
    parser.add_argument("--warmup", type=int, default=0, help="warm-up messages per level (default 2 per visitor)")
    parser.add_argument("--actions", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"machine: {machine()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", flush=True)
    results = [measure(r, args) for r in args.replicas]
    report(results)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"machine": machine(), "at": time.time(), "results": results}, indent=1))
    bad = any(lv["errors"] for r in results for lv in r["levels"]) or any(
        r["answered"] != r["stored"]["sent_messages_stored"] or r["stored"]["summary_turns"] != r["stored"]["user_events"]
        for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
