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
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "shop.tar.gz"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
ADDON_STORE = "rasa_addons.tracker_store.WindowedSQLTrackerStore"

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        ncpu = len(os.sched_getaffinity(0))
    except AttributeError:
        ncpu = os.cpu_count() or 0
    return f"nproc={ncpu}, CPU: {model}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def pg_admin(sql: str) -> None:
    subprocess.run(
        [sys.executable, "-c", (
            "import sys; from sqlalchemy import create_engine, text\n"
            "e = create_engine('postgresql+psycopg://postgres@127.0.0.1:5432/test', isolation_level='AUTOCOMMIT')\n"
            "with e.connect() as c: c.execute(text(sys.argv[1]))\n"
        ), sql],
        check=True,
    )


def wait_until(ready, proc: subprocess.Popen, what: str, tail, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited during start-up:\n" + tail())
        try:
            if ready():
                return
        except httpx.TransportError:
            pass
        time.sleep(1)
    raise RuntimeError(f"{what} not ready after {timeout}s:\n" + tail())


class ActionServer:
    """Our action server on a free port, with a migrated throwaway SQLite shop DB."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "actions.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SHOP_")}
        self.env.update(SHOP_DATABASE_URL=f"sqlite:///{workdir / 'shop.db'}", PYTHONPATH=str(ROOT))
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        python = str(ROOT / ".venv" / "bin" / "python")
        subprocess.run([python, "-m", "bot.migrate"], cwd=ROOT, env=self.env, check=True, capture_output=True)
        log = open(self.log_path, "wb")  # noqa: SIM115 - lives as long as the process
        self.proc = subprocess.Popen([python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(self.port)],
                                     cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        wait_until(lambda: httpx.get(f"{self.url}/health", timeout=3).status_code == 200,
                   self.proc, "the action server", self.tail, timeout)

    def tail(self, n: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-n:])

    def stop(self) -> None:
        stop_process(self.proc)


def stop_process(proc: subprocess.Popen | None) -> None:
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class RasaServer:
    def __init__(self, workdir: Path, *, store_type: str, tracker: dict[str, str], extra: dict[str, str],
                 action_url: str, model: Path = MODEL, cwd: Path = ROOT) -> None:
        self.workdir = workdir
        self.model, self.cwd = model, cwd
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_urlsafe(16)
        lines = ["action_endpoint:", f'  url: "{action_url}/webhook"']
        if store_type:  # empty: Rasa's default, the in-memory store
            lines += ["tracker_store:", f"  type: {store_type}"]
        lines += [f'  {k}: "{v}"' for k, v in {**tracker, **extra}.items()]
        self.endpoints = workdir / "endpoints.yml"
        self.endpoints.write_text("\n".join(lines) + "\n")
        self.log_path = workdir / "rasa.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 300) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOP_")}
        env.update(RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(ROOT))
        log = open(self.log_path, "wb")  # noqa: SIM115 - lives as long as the process
        self.proc = subprocess.Popen(
            [
                str(RASA), "run", "--model", str(self.model), "--enable-api", f"--auth-token={self.token}",
                "--interface", "127.0.0.1", "--port", str(self.port),
                "--endpoints", str(self.endpoints), "--credentials", str(self.cwd / "credentials.yml"),
            ],
            cwd=self.cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
        )

        def ready() -> bool:
            r = httpx.get(f"{self.url}/status", params={"token": self.token}, timeout=3)
            return r.status_code == 200 and bool(r.json().get("model_file"))

        wait_until(ready, self.proc, "rasa run", self.tail, timeout)

    def tail(self, n: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-n:])

    def stop(self) -> None:
        stop_process(self.proc)


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
