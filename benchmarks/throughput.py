"""Throughput of one Rasa process: messages per second, latency and CPU per message.

Starts our action server (on a throwaway SQLite shop DB seeded with the demo
shop) and one `rasa run` with our windowed SQL tracker store, then holds C
concurrent conversations over Rasa's REST channel for each C in --concurrency.
Each conversation is a realistic visit: greeting, product searches with a
follow-up, price and stock, policy questions, an order status with its
verification (a real order number and its email, read from the seeded DB),
a recommendation, thanks and goodbye. Replies are checked to be non-empty.

Then it does the same with a stock `rasa init --no-prompt` bot (created and
trained once into var/bench/stock-rasa-init/, default in-memory tracker store)
talking about its own topics, and prints the ratio.

Per level it prints msg/s, p50/p95/p99 latency and the CPU milliseconds per
message of the Rasa process and of the action server (from /proc/<pid>/stat),
plus Rasa's start-up time (spawn to a loaded model on /status) and its RSS.

    .venv/bin/python benchmarks/throughput.py                 # ours and the stock bot, C = 1, 8, 32
    .venv/bin/python benchmarks/throughput.py --quick         # fewer messages
    .venv/bin/python benchmarks/throughput.py --skip-stock --json var/bench/throughput.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dialogue_latency import ADDON_STORE, MODEL, RASA, ROOT, ActionServer, RasaServer, machine  # noqa: E402

STOCK_DIR = ROOT / "var" / "bench" / "stock-rasa-init"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """A process and its descendants (Sanic runs the action server in a worker child)."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            todo += [int(x) for x in task.read_text().split()]
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children, all threads."""
    total = 0
    for each in process_tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLK_TCK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def shop_script(shop_db: Path) -> list[str]:
    """One visit, with a product, a brand and a real verified order from the seeded DB."""
    con = sqlite3.connect(shop_db)
    try:
        product, brand = con.execute(
            "SELECT p.name, b.name FROM products p JOIN brands b ON b.id = p.brand_id ORDER BY p.id LIMIT 1"
        ).fetchone()
        number, email = con.execute("SELECT number, email FROM orders ORDER BY id LIMIT 1").fetchone()
    finally:
        con.close()
    return [
        "hi there",
        f"do you have anything from {brand}?",
        "show me the first one",
        "how much is it?",
        "is it in stock?",
        f"tell me about the {product}",
        "how long does shipping take?",
        "can i pay with paypal?",
        "where is my order?",
        number,
        email,
        "what is your return policy?",
        "can you recommend something?",
        "thanks!",
        "bye",
    ]


STOCK_SCRIPT = ["hello", "i am sad", "yes", "are you a bot?", "great", "i am very happy", "no", "goodbye"]


async def converse(client: httpx.AsyncClient, url: str, script: list[str], deadline_count: list[int],
                   latencies: list[float], errors: list[str]) -> None:
    """Conversations one after another until the shared message budget is spent."""
    while deadline_count[0] > 0:
        sender = f"bench-{uuid.uuid4().hex[:12]}"
        for text in script:
            if deadline_count[0] <= 0:
                return
            deadline_count[0] -= 1
            t0 = time.perf_counter()
            try:
                r = await client.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
                ok = r.status_code == 200 and any((m.get("text") or m.get("custom")) for m in r.json())
                if not ok:
                    errors.append(f"{r.status_code} {r.text[:120]!r} for {text!r}")
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__} for {text!r}")
            latencies.append(time.perf_counter() - t0)


async def load(url: str, script: list[str], concurrency: int, messages: int, pids: dict[str, int]) -> dict:
    limits = httpx.Limits(max_connections=concurrency + 4)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        warm: list[float] = []
        await converse(client, url, script, [min(len(script), 20)], warm, [])
        latencies: list[float] = []
        errors: list[str] = []
        budget = [messages]
        cpu0 = {name: cpu_seconds(pid) for name, pid in pids.items()}
        t0 = time.perf_counter()
        await asyncio.gather(*(converse(client, url, script, budget, latencies, errors) for _ in range(concurrency)))
        wall = time.perf_counter() - t0
        cpu = {name: (cpu_seconds(pid) - cpu0[name]) / len(latencies) * 1000 for name, pid in pids.items()}
    return {
        "concurrency": concurrency, "messages": len(latencies), "msg_per_s": len(latencies) / wall,
        "p50_ms": percentile(latencies, 50) * 1000, "p95_ms": percentile(latencies, 95) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000, "errors": len(errors), "error_samples": errors[:3],
        "cpu_ms_per_msg": cpu,
    }


def ensure_stock_bot() -> Path:
    """A stock `rasa init` bot, created and trained once; returns its model file."""
    models = sorted((STOCK_DIR / "models").glob("*.tar.gz"))
    if models:
        return models[-1]
    shutil.rmtree(STOCK_DIR, ignore_errors=True)
    STOCK_DIR.mkdir(parents=True)
    print(f"creating and training a stock `rasa init` bot in {STOCK_DIR} (once) ...", flush=True)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    env.pop("RASA_CACHE_DIRECTORY", None)
    subprocess.run([str(RASA), "init", "--no-prompt", "--init-dir", str(STOCK_DIR)], cwd=STOCK_DIR, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return sorted((STOCK_DIR / "models").glob("*.tar.gz"))[-1]


def measure(label: str, server: RasaServer, script: list[str], levels: list[int], messages: int,
            extra_pids: dict[str, int]) -> dict:
    t0 = time.perf_counter()
    server.start()
    started = time.perf_counter() - t0
    pid = server.proc.pid
    result = {"label": label, "model": str(server.model), "model_mb": server.model.stat().st_size / 2**20,
              "start_s": started, "rss_loaded_mb": rss_mb(pid), "levels": []}
    for c in levels:
        res = asyncio.run(load(server.url, script, c, messages, {"rasa": pid, **extra_pids}))
        result["levels"].append(res)
        print(f"[{label}] C={c}: {res['msg_per_s']:.1f} msg/s, p95 {res['p95_ms']:.0f} ms, errors {res['errors']}",
              flush=True)
    result["rss_after_mb"] = rss_mb(pid)
    return result


def run_ours(args: argparse.Namespace, levels: list[int]) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="throughput-"))
    actions = ActionServer(workdir)
    server = RasaServer(workdir, store_type=ADDON_STORE, tracker={"dialect": "sqlite", "db": str(workdir / "tracker.db")},
                        extra={}, action_url=actions.url, model=args.model)
    try:
        actions.start()
        subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "bot.seed", "--reset"],
                       cwd=ROOT, env=actions.env, check=True, capture_output=True)
        script = shop_script(workdir / "shop.db")
        return measure("ours", server, script, levels, args.messages, {"actions": actions.proc.pid})
    finally:
        server.stop()
        actions.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def run_stock(args: argparse.Namespace, levels: list[int]) -> dict:
    model = ensure_stock_bot()
    workdir = Path(tempfile.mkdtemp(prefix="throughput-stock-"))
    server = RasaServer(workdir, store_type="", tracker={}, extra={}, action_url="http://127.0.0.1:9/unused",
                        model=model, cwd=STOCK_DIR)
    try:
        return measure("stock rasa init", server, STOCK_SCRIPT, levels, args.messages, {})
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def report(results: list[dict]) -> None:
    print()
    print("| bot | C | msg/s | p50 ms | p95 ms | p99 ms | errors | Rasa CPU ms/msg | actions CPU ms/msg |")
    print("|---|---|---|---|---|---|---|---|---|")
    for res in results:
        for lv in res["levels"]:
            cpu = lv["cpu_ms_per_msg"]
            actions = f"{cpu['actions']:.1f}" if "actions" in cpu else "-"
            print(f"| {res['label']} | {lv['concurrency']} | {lv['msg_per_s']:.1f} | {lv['p50_ms']:.0f} | "
                  f"{lv['p95_ms']:.0f} | {lv['p99_ms']:.0f} | {lv['errors']} | {cpu['rasa']:.1f} | {actions} |")
    print()
    for res in results:
        print(f"{res['label']}: model {res['model_mb']:.0f} MB, start to loaded model {res['start_s']:.1f} s, "
              f"Rasa RSS {res['rss_loaded_mb']:.0f} MB loaded, {res['rss_after_mb']:.0f} MB after the run")
        for lv in res["levels"]:
            for sample in lv["error_samples"]:
                print(f"  error sample (C={lv['concurrency']}): {sample}")
    if len(results) == 2:
        ours, stock = results
        ratios = ", ".join(f"C={a['concurrency']}: {a['msg_per_s'] / b['msg_per_s']:.2f}x"
                           for a, b in zip(ours["levels"], stock["levels"]))
        print(f"ours / stock msg/s: {ratios}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=MODEL)
    p.add_argument("--concurrency", default="1,8,32", help="comma-separated levels (default 1,8,32)")
    p.add_argument("--messages", type=int, default=300, help="messages per level (default 300)")
    p.add_argument("--quick", action="store_true", help="60 messages per level")
    p.add_argument("--skip-stock", action="store_true", help="do not run the stock rasa init bot")
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    args = p.parse_args()
    if args.quick:
        args.messages = 60
    if not args.model.exists():
        p.error(f"{args.model} is missing: run `make train` first")
    levels = [int(x) for x in args.concurrency.split(",")]
    print(f"machine: {machine()}; {time.strftime('%Y-%m-%d %H:%M')}; {args.messages} messages per level", flush=True)
    results = [run_ours(args, levels)]
    if not args.skip_stock:
        results.append(run_stock(args, levels))
    report(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
    return 0 if all(lv["errors"] == 0 for r in results for lv in r["levels"]) else 1


if __name__ == "__main__":
    sys.exit(main())
