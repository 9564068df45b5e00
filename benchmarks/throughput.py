"""Throughput of one Rasa process: messages per second, latency and CPU per message.

Starts, on free loopback ports, our action server and the gateway on a throwaway
seeded SQLite shop DB, and one `rasa run` (our windowed SQL tracker store on a
throwaway SQLite file), then for each path and each concurrency C holds C
conversations at once until --messages messages have been answered, after a
warm-up that is not counted and leaves the C conversations spread over the visit:

  gateway  POST /api/chat on the gateway, as the widget's back end does (the first
           message starts a conversation, the id it returns continues it)
  rest     Rasa's REST channel, POST /webhooks/rest/webhook, one sender per conversation

Each conversation is a realistic shop visit read from the seeded DB: greeting,
product searches with follow-ups (price, stock in a colour, a product by name,
"anything cheaper?"), shipping, payment and returns questions, an order status
verified with a real order number and its email, a recommendation, thanks and
bye. Every reply must be non-empty and not an error answer; failures are counted.

Per level it prints msg/s, p50/p95/p99 latency, errors and the CPU milliseconds
per message of each process (Rasa with any children, the action server, the
gateway, and this load generator, which shares the machine), from
/proc/<pid>/stat. Also: Rasa's model load time (spawn to a loaded model on
/status) and its RSS after loading, after each level and after the run.

Then the same over the REST channel with a stock `rasa init --no-prompt` bot
(created and trained once into var/bench/stock-rasa-init/; Rasa's default
in-memory tracker store, no action server) talking about its own topics, and
the ratio ours/stock of msg/s at each C.

    .venv/bin/python benchmarks/throughput.py                        # both paths, C = 1, 8, 32, and the stock bot
    .venv/bin/python benchmarks/throughput.py --quick                # 40 messages per level, C = 1, 8
    .venv/bin/python benchmarks/throughput.py --paths rest --skip-stock --json var/bench/throughput.json
    .venv/bin/python benchmarks/throughput.py --quick --transcript   # also print one visit with the bot's replies

The machine is shared with whatever else runs on it: the load average at the
start and end of each run is printed next to the figures.

--selective-domain adds `enable_selective_domain: true` to the action endpoint
(Rasa then sends the domain only to actions marked `send_domain`). It is off by
default, as in endpoints.yml: with Rasa 3.6 and the action server's rasa_sdk
3.21 every custom action fails with it (the action server answers 449 "Missing
domain context"; Rasa 3.6 sends no domain digest and does not retry), so the
visit gets no answer at most turns, and the errors say so.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    ADDON_STORE, APP_PYTHON, MODEL, RASA, ROOT, ActionServer, Gateway, RasaServer, SummaryFeed, cpu_seconds, machine, memory_mb,
    percentile, service_env,
)

STOCK_DIR = ROOT / "var" / "bench" / "stock-rasa-init"
PATHS = ("gateway", "rest")
# Settings that would throttle one benchmark client on one IP (the limits are tested in tests/api and tests/bot).
UNTHROTTLED = {
    "SHOP_RATE_LIMIT_MESSAGES": "1000000/minute",
    "SHOP_RATE_LIMIT_SESSIONS": "1000000/minute",
    "SHOP_RATE_LIMIT_CONNECTIONS": "1000000/minute",
    "SHOP_RATE_LIMIT_LONG_POLLS": "1000000/minute",
    "SHOP_RATE_LIMIT_INTEGRATION": "1000000/minute",
    "SHOP_MAX_WAITING_PER_SOURCE": "100000",
    "SHOP_VERIFY_MAX_FAILURES_PER_SOURCE": "100000",
    "SHOP_VERIFY_MAX_FAILURES_GLOBAL": "1000000",
    "SHOP_HANDOFF_MAX_OPEN_PER_SOURCE": "100000",
}
# Answers that mean something failed behind the bot (domain.yml, api/relay.py), though not empty.
ERROR_REPLIES = (
    "Sorry, I can't look that up right now",
    "Sorry, something went wrong on my side",
    "too many unsuccessful attempts",
)


# --- conversations ------------------------------------------------------------------


@dataclass(frozen=True)
class Product:
    name: str
    category: str  # as a visitor says it: "hoodies", "running shoes"
    brand: str
    price: float
    colour: str  # a colour it is in stock in


def read_shop(db: Path | str, count: int = 12) -> tuple[list[Product], list[tuple[str, str]]]:
    """Products (one per category first, in stock in some colour) and orders (number, email) of the
    seeded DB: a SQLite file, or a SQLAlchemy URL."""
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{db}" if isinstance(db, Path) else db)
    try:
        with engine.connect() as con:
            rows = con.execute(text(
                """SELECT p.name, c.name, b.name, p.price,
                          (SELECT v.color FROM product_variants v WHERE v.product_id = p.id AND v.stock > 0
                           ORDER BY v.id LIMIT 1)
                     FROM products p JOIN categories c ON c.id = p.category_id JOIN brands b ON b.id = p.brand_id
                    ORDER BY p.id"""
            )).all()
            orders = [tuple(row) for row in con.execute(text(
                "SELECT number, email FROM orders WHERE status IN ('placed', 'shipped', 'delivered') "
                "ORDER BY id LIMIT :count"), {"count": count}).all()]
    finally:
        engine.dispose()
    products, seen = [], set()
    for name, category, brand, price, colour in rows:
        if colour and category not in seen:
            seen.add(category)
            products.append(Product(name, category.split(" & ")[0].lower(), brand, float(price), colour.lower()))
    if not products or not orders:
        raise RuntimeError(f"{db} has no products in stock or no orders: was it seeded?")
    return products, orders


def shop_visits(products: list[Product], orders: list[tuple[str, str]], count: int = 12) -> list[list[str]]:
    """``count`` different visits of 16 messages each."""
    visits = []
    for i in range(count):
        p = products[i % len(products)]
        number, email = orders[i % len(orders)]
        ceiling = math.ceil(p.price * 1.2 / 10) * 10
        pick = lambda *options: options[i % len(options)]  # noqa: E731
        visits.append([
            pick("hi", "hello there", "hey, good morning"),
            f"do you have any {p.category}?",
            f"show me {p.brand} {p.category} under ${ceiling}",
            "how much is the first one?",
            f"is it available in {p.colour}?",
            f"tell me about the {p.name}",
            "anything cheaper?",
            pick("how long does shipping take?", "do you ship to canada?", "how much is shipping?"),
            pick("can I pay with paypal?", "do you accept klarna?", "can I pay in installments?"),
            pick("what is your return policy?", "how long do refunds take?", "can I return sale items?"),
            pick("where is my order?", "I want to check my order status", "has my order shipped yet?"),
            number,
            email,
            pick("can you recommend something?", f"what are your best selling {p.category}?",
                 "what would you recommend for me?"),
            pick("thanks!", "thank you so much", "great, thanks"),
            pick("bye", "goodbye", "see you"),
        ])
    return visits


# The stock bot's intents: greet, mood_great, mood_unhappy, affirm, deny, goodbye, bot_challenge,
# along its stories (happy path, sad path 1 and 2) and rules.
STOCK_VISITS = [
    ["hello", "I am great", "are you a bot?", "goodbye"],
    ["hi", "I am sad", "yes", "bye"],
    ["hey there", "not very good", "no", "are you a human?", "see you later"],
    ["good morning", "I'm feeling wonderful", "am I talking to a bot?", "have a nice day"],
    ["hey", "I am unhappy", "of course", "goodbye"],
    ["hello there", "very sad", "not really", "bye"],
]


# --- the two ways in ----------------------------------------------------------------


def reply_problem(messages: Any) -> str | None:
    """Why a reply (a list of bot messages) does not count as an answer, or None."""
    if not isinstance(messages, list):
        return "reply is not a list of messages"
    shown = [m for m in messages if isinstance(m, dict) and (m.get("text") or m.get("buttons") or m.get("image")
                                                              or m.get("custom"))]
    if not shown:
        return "empty reply"
    for m in shown:
        text = str(m.get("text") or "")
        if any(marker in text for marker in ERROR_REPLIES):
            return f"error reply {text[:60]!r}"
    return None


class RestPath:
    """Rasa's REST channel: the benchmark makes up one sender id per conversation."""

    name = "rest"

    def __init__(self, rasa_url: str) -> None:
        self.url = f"{rasa_url}/webhooks/rest/webhook"

    def new_conversation(self) -> dict[str, str]:
        return {"sender": f"bench-{uuid.uuid4().hex[:16]}"}

    async def send(self, client: httpx.AsyncClient, conversation: dict[str, str], text: str) -> list:
        r = await client.post(self.url, json={"sender": conversation["sender"], "message": text})
        r.raise_for_status()
        return r.json()


class GatewayPath:
    """The gateway's /api/chat: no id on the first message, then the ``sender_id`` it issued."""

    name = "gateway"

    def __init__(self, gateway_url: str) -> None:
        self.url = f"{gateway_url}/api/chat"

    def new_conversation(self) -> dict[str, str]:
        return {}

    async def send(self, client: httpx.AsyncClient, conversation: dict[str, str], text: str) -> list:
        body = {"message": text, **({"sender_id": conversation["id"]} if "id" in conversation else {})}
        r = await client.post(self.url, json=body)
        r.raise_for_status()
        data = r.json()
        conversation["id"] = data["sender_id"]
        if data.get("with_agent"):
            raise RuntimeError("the conversation is held by an agent")
        return data["messages"]


# --- load -----------------------------------------------------------------------------


@dataclass
class Budget:
    """Messages left to send in a phase."""

    left: int

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, seconds: float, problem: str | None, text: str) -> None:
        self.latencies.append(seconds)
        if problem:
            self.errors.append(f"{problem} for {text[:40]!r}")


async def exchange(path, client: httpx.AsyncClient, conversation: dict[str, str], text: str) -> tuple[list, str | None]:
    """Send one message; (the bot's messages, what was wrong or None)."""
    try:
        messages = await path.send(client, conversation, text)
    except httpx.HTTPStatusError as exc:
        return [], f"HTTP {exc.response.status_code} {exc.response.text[:80]!r}"
    except (httpx.HTTPError, RuntimeError, KeyError, ValueError) as exc:
        return [], f"{type(exc).__name__} {str(exc)[:80]}"
    return messages, reply_problem(messages)


class Visitor:
    """One simulated visitor: whole visits one after another, each a new conversation.

    Its stream of messages goes on across phases, so a conversation begun in the
    warm-up continues in the measured phase.
    """

    def __init__(self, path, visits: list[list[str]], order: Iterator[int]) -> None:
        self.path = path
        self._turns = self._stream(visits, order)

    def _stream(self, visits: list[list[str]], order: Iterator[int]) -> Iterator[tuple[dict[str, str], str]]:
        while True:
            conversation = self.path.new_conversation()
            for text in visits[next(order) % len(visits)]:
                yield conversation, text

    async def run(self, client: httpx.AsyncClient, budget: Budget, tally: Tally) -> None:
        while budget.take():
            conversation, text = next(self._turns)
            t0 = time.perf_counter()
            _, problem = await exchange(self.path, client, conversation, text)
            tally.add(time.perf_counter() - t0, problem, text)


def warmup_budgets(concurrency: int, warmup: int, visit_length: int) -> list[int]:
    """Warm-up messages per visitor: an equal share of ``warmup`` (at least one each), plus a
    stagger of k/C of a visit for visitor k, so that the measured phase starts with the
    visitors spread evenly over the visit (greeting, search, order status, ...) instead of
    all at its first messages, which would weigh the mix towards them."""
    share = max(1, math.ceil(warmup / concurrency))
    return [share + round(k * visit_length / concurrency) for k in range(concurrency)]


async def run_level(path, visits: list[list[str]], concurrency: int, messages: int, warmup: int,
                    pids: dict[str, int], cpu: Callable[[], dict[str, float]] | None = None) -> dict[str, Any]:
    """Warm up (not counted), then ``messages`` messages from ``concurrency`` conversations at a time.

    CPU seconds so far per process name come from ``cpu()`` (default: each of ``pids``)."""
    read_cpu = cpu or (lambda: {name: cpu_seconds(pid) for name, pid in pids.items()})
    order = itertools.count()
    visitors = [Visitor(path, visits, order) for _ in range(concurrency)]
    visit_length = round(sum(map(len, visits)) / len(visits))
    limits = httpx.Limits(max_connections=concurrency + 4, max_keepalive_connections=concurrency + 4)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        await asyncio.gather(*(v.run(client, Budget(n), Tally())
                               for v, n in zip(visitors, warmup_budgets(concurrency, warmup, visit_length))))
        tally, budget = Tally(), Budget(messages)
        cpu0 = read_cpu() | {"client": time.process_time()}
        t0 = time.perf_counter()
        await asyncio.gather(*(v.run(client, budget, tally) for v in visitors))
        wall = time.perf_counter() - t0
        cpu1 = read_cpu() | {"client": time.process_time()}
    n = len(tally.latencies)
    return {
        "path": path.name, "concurrency": concurrency, "messages": n, "seconds": wall, "msg_per_s": n / wall,
        "p50_ms": percentile(tally.latencies, 50) * 1000, "p95_ms": percentile(tally.latencies, 95) * 1000,
        "p99_ms": percentile(tally.latencies, 99) * 1000, "errors": len(tally.errors),
        "error_samples": list(dict.fromkeys(tally.errors))[:3],
        "cpu_ms_per_msg": {name: (cpu1[name] - cpu0[name]) * 1000 / n for name in cpu0 if name in cpu1},
        "rasa_rss_mb": memory_mb(pids["rasa"]) if "rasa" in pids else None,
    }


async def show_transcript(path, visit: list[str]) -> None:
    """One visit, message by message, with the bot's replies (a check of the mix; a warm-up too)."""
    print(f"--- one visit over {path.name} ---", flush=True)
    async with httpx.AsyncClient(timeout=120) as client:
        conversation = path.new_conversation()
        for text in visit:
            messages, problem = await exchange(path, client, conversation, text)
            reply = " | ".join((m.get("text") or "[buttons/custom]").replace("\n", " ") for m in messages)
            print(f"  > {text}\n    {f'ERROR: {problem}' if problem else reply[:160]}", flush=True)


# --- the bots under test ------------------------------------------------------------------


class ShopBot:
    """Our three processes on a throwaway seeded shop DB and tracker store."""

    label = "ours"
    tracker_store = "WindowedSQLTrackerStore on SQLite"

    def __init__(self, model: Path, selective_domain: bool, turns_at_once: int | None = None) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="throughput-"))
        env = service_env(
            SHOP_DATABASE_URL=f"sqlite:///{self.workdir / 'shop.db'}",
            SHOP_SECRET_KEY=secrets.token_urlsafe(48),
            SHOP_TRACKER_DB=str(self.workdir / "tracker.db"),
            SHOP_BROKER_DB=str(self.workdir / "broker.db"),
            SANIC_HOST="127.0.0.1",
            **UNTHROTTLED,
        )
        self.actions = ActionServer(self.workdir, env=dict(env))
        self.rasa = RasaServer(
            self.workdir, store_type=ADDON_STORE, tracker={"dialect": "sqlite", "db": str(self.workdir / "tracker.db")},
            extra={}, action_url=self.actions.url, model=model,
            action_options={"enable_selective_domain": True} if selective_domain else {},
            broker_db=self.workdir / "broker.db",
            env={} if turns_at_once is None else {"SHOP_RASA_TURNS_AT_ONCE": str(turns_at_once)},
        )
        self.summaries = SummaryFeed(self.workdir, env=dict(env))
        self.gateway = Gateway(self.workdir, env={
            **env, "SHOP_RASA_URL": self.rasa.url, "SHOP_RASA_TOKEN": self.rasa.token,
            "SHOP_ACTION_SERVER_URL": self.actions.url,
        })
        self.env = env
        self.visits: list[list[str]] = []

    def start(self) -> None:
        for module in (["bot.migrate"], ["bot.seed", "--reset"]):
            subprocess.run([str(APP_PYTHON), "-m", *module], cwd=ROOT, env=self.env, check=True, capture_output=True)
        self.visits = shop_visits(*read_shop(self.workdir / "shop.db"))
        self.actions.start()
        self.gateway.start()
        self.summaries.start()
        self.rasa.start()  # timed: nothing else is starting meanwhile
        self.gateway.wait_healthy()

    def paths(self, names: list[str]) -> list:
        ways = {"gateway": GatewayPath(self.gateway.url), "rest": RestPath(self.rasa.url)}
        return [ways[n] for n in names]

    def pids(self) -> dict[str, int]:
        return {"rasa": self.rasa.pid, "actions": self.actions.pid, "gateway": self.gateway.pid,
                "summaries": self.summaries.pid}

    def diagnose(self) -> str | None:
        """A known cause of failed turns, from Rasa's log."""
        log = self.rasa.log_path.read_text(errors="replace") if self.rasa.log_path.exists() else ""
        failed = log.count("Encountered an exception while running action")
        if "Missing domain context" in log:
            return (f"{failed} custom action calls failed: the action server wants the domain (449 Missing domain "
                    "context) and Rasa 3.6 sends none with enable_selective_domain; run without --selective-domain")
        return f"{failed} custom action calls failed (Rasa's log)" if failed else None

    def stop(self) -> None:
        for service in (self.gateway, self.rasa, self.actions, self.summaries):
            service.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


class StockBot:
    """A stock `rasa init --no-prompt` bot as it comes: its own credentials, in-memory tracker store."""

    label = "stock rasa init"
    tracker_store = "in memory (Rasa's default)"

    def __init__(self, model: Path) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="throughput-stock-"))
        self.rasa = RasaServer(self.workdir, store_type="", tracker={}, extra={}, action_url=None, model=model,
                               cwd=STOCK_DIR, stock=True)
        self.visits = STOCK_VISITS

    def start(self) -> None:
        self.rasa.start()

    def paths(self, names: list[str]) -> list:
        """It has no gateway: the REST channel, whatever --paths says."""
        return [RestPath(self.rasa.url)]

    def pids(self) -> dict[str, int]:
        return {"rasa": self.rasa.pid}

    def diagnose(self) -> str | None:
        return None

    def stop(self) -> None:
        self.rasa.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def ensure_stock_bot() -> Path:
    """The stock `rasa init` bot's model, created and trained once into STOCK_DIR."""
    models = sorted((STOCK_DIR / "models").glob("*.tar.gz"))
    if models:
        return models[-1]
    shutil.rmtree(STOCK_DIR, ignore_errors=True)
    STOCK_DIR.mkdir(parents=True)
    print(f"creating and training a stock `rasa init` bot in {STOCK_DIR} (once, a few minutes) ...", flush=True)
    env = service_env()
    env.pop("RASA_CACHE_DIRECTORY", None)  # not our training cache
    subprocess.run([str(RASA), "init", "--no-prompt", "--init-dir", str(STOCK_DIR)], cwd=STOCK_DIR, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return sorted((STOCK_DIR / "models").glob("*.tar.gz"))[-1]


def measure(bot, model: Path, args: argparse.Namespace, progress: Callable[[str], None]) -> dict[str, Any]:
    """Start ``bot``, run every path at every level, stop it; its figures."""
    result: dict[str, Any] = {"bot": bot.label, "model": str(model), "model_mb": model.stat().st_size / 2**20,
                              "tracker_store": bot.tracker_store, "loadavg_start": os.getloadavg(), "levels": []}
    try:
        progress(f"[{bot.label}] starting (model {model}) ...")
        bot.start()
        result["load_s"] = bot.rasa.load_seconds
        result["rss_loaded_mb"] = memory_mb(bot.rasa.pid)
        progress(f"[{bot.label}] model loaded in {bot.rasa.load_seconds:.1f} s, Rasa RSS "
                 f"{result['rss_loaded_mb']:.0f} MB")
        for path in bot.paths(args.paths):
            if args.transcript:
                asyncio.run(show_transcript(path, bot.visits[0]))
            for c in args.concurrency:
                level = asyncio.run(run_level(path, bot.visits, c, args.messages, args.warmup, bot.pids()))
                result["levels"].append(level)
                progress(f"[{bot.label}] {path.name} C={c}: {level['msg_per_s']:.1f} msg/s, "
                         f"p95 {level['p95_ms']:.0f} ms, {level['errors']} errors")
        result["rss_after_mb"] = memory_mb(bot.rasa.pid)
        result["rss_peak_mb"] = memory_mb(bot.rasa.pid, "VmHWM")
        result["loadavg_end"] = os.getloadavg()
        result["diagnosis"] = bot.diagnose()
    finally:
        bot.stop()
    return result


# --- report ---------------------------------------------------------------------------------


COLUMNS = [  # header, width, format of one level's row
    ("bot", 16, lambda r, lv: r["bot"]),
    ("path", 8, lambda r, lv: lv["path"]),
    ("C", 3, lambda r, lv: str(lv["concurrency"])),
    ("msgs", 5, lambda r, lv: str(lv["messages"])),
    ("msg/s", 6, lambda r, lv: f"{lv['msg_per_s']:.1f}"),
    ("p50 ms", 7, lambda r, lv: f"{lv['p50_ms']:.0f}"),
    ("p95 ms", 7, lambda r, lv: f"{lv['p95_ms']:.0f}"),
    ("p99 ms", 7, lambda r, lv: f"{lv['p99_ms']:.0f}"),
    ("errors", 6, lambda r, lv: str(lv["errors"])),
    ("rasa", 6, lambda r, lv: _cpu(lv, "rasa")),
    ("actions", 7, lambda r, lv: _cpu(lv, "actions")),
    ("gateway", 7, lambda r, lv: _cpu(lv, "gateway")),
    ("summaries", 9, lambda r, lv: _cpu(lv, "summaries")),
    ("client", 6, lambda r, lv: _cpu(lv, "client")),
    ("RSS MB", 6, lambda r, lv: f"{lv['rasa_rss_mb']:.0f}"),
]


def _cpu(level: dict[str, Any], name: str) -> str:
    value = level["cpu_ms_per_msg"].get(name)
    return "-" if value is None else f"{value:.1f}"


def table(results: list[dict[str, Any]]) -> str:
    lines = [" ".join(h.rjust(w) if i > 1 else h.ljust(w) for i, (h, w, _) in enumerate(COLUMNS))]
    lines.append(" ".join("-" * w for _, w, _ in COLUMNS))
    for r in results:
        for lv in r["levels"]:
            lines.append(" ".join(f(r, lv).rjust(w) if i > 1 else f(r, lv).ljust(w)
                                  for i, (_, w, f) in enumerate(COLUMNS)))
    return "\n".join(lines)


def rest_ratios(results: list[dict[str, Any]]) -> dict[int, dict[str, float]]:
    """Ours / stock on the REST path, per concurrency: msg/s and Rasa CPU per message."""
    by = {(r["bot"], lv["path"], lv["concurrency"]): lv for r in results for lv in r["levels"]}
    ratios = {}
    for (bot, path, c), ours in by.items():
        stock = by.get((StockBot.label, "rest", c))
        if bot == ShopBot.label and path == "rest" and stock:
            ratios[c] = {"msg_per_s": ours["msg_per_s"] / stock["msg_per_s"],
                         "rasa_cpu_per_msg": ours["cpu_ms_per_msg"]["rasa"] / stock["cpu_ms_per_msg"]["rasa"]}
    return ratios


def report(results: list[dict[str, Any]]) -> None:
    print()
    print("CPU columns: milliseconds of CPU per message (user+system, /proc/<pid>/stat) of Rasa, the action server,")
    print("the gateway and this load generator; RSS MB: Rasa's VmRSS after the level.")
    print(table(results))
    print()
    for r in results:
        print(f"{r['bot']}: model {r['model_mb']:.1f} MB, tracker store {r['tracker_store']}, "
              f"spawn to loaded model {r['load_s']:.1f} s; Rasa RSS "
              f"{r['rss_loaded_mb']:.0f} MB loaded, {r['rss_after_mb']:.0f} MB after the run (peak "
              f"{r['rss_peak_mb']:.0f} MB); load average {_loadavg(r['loadavg_start'])} at start, "
              f"{_loadavg(r['loadavg_end'])} at end")
        for lv in r["levels"]:
            for sample in lv["error_samples"]:
                print(f"  error ({lv['path']}, C={lv['concurrency']}): {sample}")
        if r["diagnosis"]:
            print(f"  {r['diagnosis']}")
    ratios = rest_ratios(results)
    if ratios:
        print("ours / stock over the REST channel: " + ", ".join(
            f"C={c}: {x['msg_per_s']:.2f}x msg/s ({x['rasa_cpu_per_msg']:.2f}x Rasa CPU per message)"
            for c, x in sorted(ratios.items())))


def _loadavg(values) -> str:
    return "/".join(f"{v:.2f}" for v in values)


# --- main -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=MODEL, help="our Rasa model (default models/shop.tar.gz)")
    p.add_argument("--paths", default="gateway,rest", help="comma-separated, of: gateway, rest (default both)")
    p.add_argument("--concurrency", help="comma-separated levels (default 1,8,32; with --quick 1,8)")
    p.add_argument("--messages", type=int, help="messages counted per level (default 400; with --quick 40)")
    p.add_argument("--warmup", type=int, help="messages shared by the C conversations before each level, not "
                                              "counted, plus a stagger over one visit (default 16; with --quick 8)")
    p.add_argument("--quick", action="store_true", help="a short run to check that everything works")
    p.add_argument("--skip-stock", action="store_true", help="do not run the stock rasa init bot")
    p.add_argument("--selective-domain", action="store_true",
                   help="enable_selective_domain: true on the action endpoint (our actions fail with it, see above)")
    p.add_argument("--turns-at-once", type=int,
                   help="SHOP_RASA_TURNS_AT_ONCE for our Rasa (messages handled at once; 0: no limit; default: Rasa's setting)")
    p.add_argument("--transcript", action="store_true", help="first print one visit per path with the replies")
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    args = p.parse_args(argv)
    args.paths = [x.strip() for x in args.paths.split(",") if x.strip()]
    if not args.paths or set(args.paths) - set(PATHS):
        p.error(f"--paths: one or more of {', '.join(PATHS)}")
    levels = args.concurrency or ("1,8" if args.quick else "1,8,32")
    try:
        args.concurrency = [int(x) for x in levels.split(",")]
    except ValueError:
        p.error("--concurrency: comma-separated whole numbers")
    if any(c < 1 for c in args.concurrency):
        p.error("--concurrency: levels of 1 or more")
    args.messages = args.messages or (40 if args.quick else 400)
    args.warmup = args.warmup if args.warmup is not None else (8 if args.quick else 16)
    if not args.model.exists():
        p.error(f"{args.model} is missing: run `make train` first")
    return args


def interrupt_on_sigterm() -> None:
    """SIGTERM ends the run like Ctrl-C: the finally blocks stop the processes and remove the temp dirs."""
    def handler(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, handler)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    interrupt_on_sigterm()
    progress = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    model = args.model.resolve()
    print(f"machine: {machine()}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}, load average {_loadavg(os.getloadavg())}")
    print(f"model: {model} ({model.stat().st_size / 2**20:.1f} MB, modified "
          f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(model.stat().st_mtime))})")
    print(f"paths: {', '.join(args.paths)}; concurrency {', '.join(map(str, args.concurrency))}; "
          f"{args.messages} messages per level after {args.warmup} warm-up; "
          f"enable_selective_domain: {str(args.selective_domain).lower()}", flush=True)
    results = []
    try:
        results.append(measure(ShopBot(model, args.selective_domain, args.turns_at_once), model, args, progress))
        if not args.skip_stock:
            stock_model = ensure_stock_bot()
            results.append(measure(StockBot(stock_model), stock_model, args, progress))
    except KeyboardInterrupt:
        progress("interrupted: processes stopped, temp dirs removed")
        return 130
    report(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "machine": machine(), "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
            "runs": results, "rest_ratio_ours_over_stock": rest_ratios(results),
        }, indent=2))
    return 0 if all(lv["errors"] == 0 for r in results for lv in r["levels"]) else 1


if __name__ == "__main__":
    sys.exit(main())
