"""The scaled mode as local processes: N Rasa replicas, M action servers, K gateway workers.

    make run-scaled REPLICAS=2 ACTIONS=2 WORKERS=2

runs, on this machine's servers (the same topology as deploy/docker-compose.yml):
- PostgreSQL for the shop DB and Rasa's tracker store (databases made if missing);
- Redis for Rasa's lock store and the gateway's push hub, per-conversation locks and
  rate-limit counters;
- RabbitMQ as Rasa's event broker, which the summary feed applies to the console's tables;
- ``REPLICAS`` Rasa servers (endpoints.scaled.yml), each sending actions to the ``ACTIONS``
  action servers in turn (rasa_addons/action_client.py);
- one gateway (uvicorn) with ``WORKERS`` worker processes, which sends each conversation to
  its Rasa replica and moves on when one is down (api/replicas.py);
- the summary feed and the aggregates job, one each.

The end-to-end fault tests (tests/e2e/test_scale_out.py) and the scale-out benchmark
(benchmarks/scale_out.py) start the same ``Topology``. Settings (environment):
SHOP_PG_SERVER, SHOP_SCALED_SHOP_DB, SHOP_SCALED_TRACKER_DB, SHOP_REDIS_URL, SHOP_AMQP_URL,
SHOP_API_PORT, SHOP_RASA_PORT (the first replica's; the others count up), SHOP_ACTION_PORT.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "shop.tar.gz"
PYTHON = ROOT / ".venv" / "bin" / "python"
# `rasa run` without TensorFlow when the model allows it (rasa_addons/serve.py).
RASA_SERVE = (str(ROOT / ".venv-rasa" / "bin" / "python"), "-m", "rasa_addons.serve")
# Rasa's ticket lock lifetime in seconds: endpoints.scaled.yml says why 8.
TICKET_LOCK_LIFETIME = "8"


def _port_of(url: str, default: int) -> int:
    return urlsplit(url).port or default


@dataclass
class Topology:
    """One scaled deployment's processes, their settings, and how to start and stop them."""

    workdir: Path
    rasa: int = 2
    actions: int = 2
    workers: int = 2
    api_port: int = 8000
    rasa_port: int = 5005
    action_port: int = 5055
    api_host: str = "127.0.0.1"
    pg_server: str = "postgresql+psycopg://postgres@127.0.0.1:5432"
    shop_db: str = "shopbot_scaled_shop"
    tracker_db: str = "shopbot_scaled_tracker"
    redis_url: str = "redis://127.0.0.1:6379/0"
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"
    amqp_queue: str = "rasa_core_events"
    amqp_exchange: str = "rasa-exchange"
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    extra_env: dict[str, str] = field(default_factory=dict)
    # Keep the caller's own SHOP_* settings (make run-scaled); tests and benchmarks start clean.
    inherit_settings: bool = False
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    commands: dict[str, list[str]] = field(default_factory=dict)

    # --- where things are ------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.rasa_port + i}" for i in range(self.rasa)]

    def action_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.action_port + i}" for i in range(self.actions)]

    @property
    def shop_db_url(self) -> str:
        return f"{self.pg_server}/{self.shop_db}"

    @property
    def tracker_url(self) -> str:
        return f"{self.pg_server}/{self.tracker_db}"

    # --- settings ----------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        """The environment of every process: the service's SHOP_* settings and endpoints.scaled.yml's."""
        env = {k: v for k, v in os.environ.items() if self.inherit_settings or not k.startswith("SHOP_")}
        pg, redis, amqp = urlsplit(self.pg_server), urlsplit(self.redis_url), urlsplit(self.amqp_url)
        env.update(
            SHOP_DATABASE_URL=self.shop_db_url,
            SHOP_TRACKER_URL=self.tracker_url,
            SHOP_RASA_URL=",".join(self.rasa_urls()),
            SHOP_RASA_TOKEN=self.token,
            SHOP_SECRET_KEY=self.secret_key,
            SHOP_ACTION_SERVER_URL=",".join(self.action_urls()),
            SHOP_ACTION_ENDPOINT_URL=",".join(f"{u}/webhook" for u in self.action_urls()),
            SHOP_REDIS_URL=self.redis_url,
            SHOP_RATE_LIMIT_STORAGE=self.redis_url,
            SHOP_AMQP_URL=self.amqp_url,
            SHOP_AMQP_QUEUE=self.amqp_queue,
            SHOP_AMQP_EXCHANGE=self.amqp_exchange,
            SHOP_SHOP_BASE_URL=f"http://{self.api_host}:{self.api_port}",
            # endpoints.scaled.yml (Rasa):
            SHOP_TRACKER_PG_HOST=pg.hostname or "127.0.0.1",
            SHOP_TRACKER_PG_PORT=str(pg.port or 5432),
            SHOP_TRACKER_PG_DB=self.tracker_db,
            SHOP_TRACKER_PG_USER=unquote(pg.username or "postgres"),
            SHOP_TRACKER_PG_PASSWORD=unquote(pg.password or ""),
            SHOP_LOCK_REDIS_HOST=redis.hostname or "127.0.0.1",
            SHOP_LOCK_REDIS_PORT=str(redis.port or 6379),
            SHOP_LOCK_REDIS_DB=(redis.path.strip("/") or "0"),
            SHOP_LOCK_REDIS_PASSWORD=unquote(redis.password or ""),
            SHOP_AMQP_HOST=amqp.hostname or "127.0.0.1",
            SHOP_AMQP_PORT=str(amqp.port or 5672),
            SHOP_AMQP_USER=unquote(amqp.username or "guest"),
            SHOP_AMQP_PASSWORD=unquote(amqp.password or "guest"),
            TICKET_LOCK_LIFETIME=TICKET_LOCK_LIFETIME,
            SANIC_HOST="127.0.0.1",
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONPATH=str(ROOT),
        )
        # The bot offers back-in-stock and order notices only where they are sent (actions/proactive.py);
        # every gateway worker runs the dispatcher, and the outbox's claims send each notice once.
        env.setdefault("SHOP_PROACTIVE_ENABLED", "1")
        if self.workers > 1:  # /metrics adds up every worker's figures (made empty by start())
            env["PROMETHEUS_MULTIPROC_DIR"] = str(self.workdir / "prometheus")
        env.update(self.extra_env)
        return env

    # --- the databases -----------------------------------------------------------------

    def prepare(self, *, quiet: bool = False) -> None:
        """Make the PostgreSQL databases if missing; migrate and seed the shop DB (``quiet``: without
        the seed's report of demo orders)."""
        from sqlalchemy import create_engine, text

        admin = create_engine(f"{self.pg_server}/postgres", isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                for name in (self.shop_db, self.tracker_db):
                    if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
                        conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        env = self.env()
        for module in (["bot.migrate"], ["bot.seed", "--if-empty"]):
            subprocess.run([str(PYTHON), "-m", *module], cwd=ROOT, env=env, check=True, capture_output=quiet)

    # --- processes ---------------------------------------------------------------------

    def _spawn(self, name: str, args: list[str]) -> None:
        self.commands[name] = args
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        # A session of its own: a Ctrl-C reaches only the launcher, which stops them in order.
        self.procs[name] = subprocess.Popen(args, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def rasa_command(self, index: int) -> list[str]:
        return [*RASA_SERVE, "run", "--model", str(MODEL), "--enable-api", f"--auth-token={self.token}",
                "--interface", "127.0.0.1", "--port", str(self.rasa_port + index),
                "--endpoints", str(ROOT / "endpoints.scaled.yml"), "--credentials", str(ROOT / "credentials.yml")]

    def start(self, timeout: float = 300) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        prom = self.workdir / "prometheus"  # stale files of a previous run would be added up too
        shutil.rmtree(prom, ignore_errors=True)
        prom.mkdir()
        for i in range(self.rasa):  # the slowest to load: first
            self._spawn(f"rasa-{i}", self.rasa_command(i))
        for i in range(self.actions):
            self._spawn(f"actions-{i}", [str(PYTHON), "-m", "rasa_sdk", "--actions", "actions",
                                         "--port", str(self.action_port + i)])
        self._spawn("summaries", [str(PYTHON), "-m", "bot.summaries", "follow"])
        self._spawn("aggregates", [str(PYTHON), "-m", "bot.aggregates", "--every", "300"])
        self._spawn("gateway", [str(ROOT / ".venv/bin/uvicorn"), "--factory", "api.main:create_app",
                                "--host", self.api_host, "--port", str(self.api_port), "--workers", str(self.workers),
                                "--timeout-graceful-shutdown", "3", "--ws-max-size", "16384"])
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 300) -> None:
        """Until every Rasa replica has its model and the gateway's /health is green."""
        deadline = time.monotonic() + timeout
        waiting = [*self.rasa_urls(), self.api_url]
        while waiting:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited during start-up:\n{self.logs(name)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"not ready after {timeout:.0f} s: {waiting}\n"
                                   + "\n".join(self.logs(n) for n in self.procs))
            url = waiting[0]
            path, params = ("/health", None) if url == self.api_url else ("/status", {"token": self.token})
            try:
                if httpx.get(f"{url}{path}", params=params, timeout=3).status_code == 200:
                    waiting.pop(0)
                    continue
            except httpx.TransportError:
                pass
            time.sleep(1)

    def logs(self, name: str, tail: int = 40) -> str:
        path = self.workdir / f"{name}.log"
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        return f"--- {name} ---\n" + "\n".join(lines[-tail:])

    def pids(self) -> dict[str, int]:
        return {name: proc.pid for name, proc in self.procs.items() if proc.poll() is None}

    def kill(self, name: str, sig: int = signal.SIGTERM, wait: float = 15) -> None:
        """Stop one process (SIGKILL: as a crash would) and its children (uvicorn's workers)."""
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def restart(self, name: str) -> None:
        """Start a stopped process again with its command."""
        self._spawn(name, self.commands[name])

    def stop(self) -> None:
        # The gateway first (no new turns), Rasa before the action servers it calls.
        order = sorted(self.procs, key=lambda n: ("gateway", "rasa", "actions", "summaries", "aggregates").index(
            n.split("-")[0]))
        for name in order:
            self.kill(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make run-scaled", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=2, help="Rasa servers (default 2)")
    parser.add_argument("--actions", type=int, default=2, help="action servers (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gateway worker processes (default 2)")
    args = parser.parse_args(argv)
    if min(args.replicas, args.actions, args.workers) < 1:
        parser.error("each count must be at least 1")
    env = os.environ
    topology = Topology(
        workdir=ROOT / "var" / "scaled", rasa=args.replicas, actions=args.actions, workers=args.workers,
        api_host=env.get("SHOP_API_HOST", "127.0.0.1"), api_port=int(env.get("SHOP_API_PORT", "8000")),
        rasa_port=int(env.get("SHOP_RASA_PORT", "5005")), action_port=int(env.get("SHOP_ACTION_PORT", "5055")),
        pg_server=env.get("SHOP_PG_SERVER", Topology.pg_server),
        shop_db=env.get("SHOP_SCALED_SHOP_DB", Topology.shop_db),
        tracker_db=env.get("SHOP_SCALED_TRACKER_DB", Topology.tracker_db),
        redis_url=env.get("SHOP_REDIS_URL", Topology.redis_url), amqp_url=env.get("SHOP_AMQP_URL", Topology.amqp_url),
        token=env.get("SHOP_RASA_TOKEN") or secrets.token_urlsafe(24),
        secret_key=env.get("SHOP_SECRET_KEY") or secrets.token_urlsafe(48), inherit_settings=True,
    )
    stopping = False

    def on_signal(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print(f"==> preparing PostgreSQL databases {topology.shop_db} and {topology.tracker_db}", file=sys.stderr)
    topology.prepare()
    print(f"==> starting {args.replicas} Rasa, {args.actions} action servers, {args.workers} gateway workers "
          f"(logs in {topology.workdir})", file=sys.stderr)
    try:
        topology.start()
        print(f"""
  The shop assistant is running in the scaled mode.
    Demo shop  http://{topology.api_host}:{topology.api_port}/
    Console    http://{topology.api_host}:{topology.api_port}/console   (first: SHOP_DATABASE_URL={topology.shop_db_url} make admin ...)
    Health     http://{topology.api_host}:{topology.api_port}/health
    Rasa       {', '.join(topology.rasa_urls())} (loopback only, token required)
    Actions    {', '.join(topology.action_urls())} (loopback only)
  Logs are in {topology.workdir}. Press Ctrl-C to stop.
""", flush=True)
        while not stopping:
            for name, proc in list(topology.procs.items()):
                if proc.poll() is not None:
                    print(f"==> {name} stopped (exit {proc.returncode}); the others carry on:\n{topology.logs(name)}",
                          file=sys.stderr)
                    topology.procs.pop(name)
            if not topology.procs:
                return 1
            time.sleep(1)
    finally:
        print("==> stopping", file=sys.stderr)
        topology.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
