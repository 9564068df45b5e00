"""The real service as processes: action server, Rasa server and the API gateway."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.summaries.feed_sql import rasa_endpoint_lines
from bot.visitor_sessions import is_session_id

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "shop.tar.gz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_model() -> None:
    """Train the Rasa model if the training data changed (no-op otherwise)."""
    subprocess.run(["bash", "-c", "source scripts/lib.sh && ensure_model"], cwd=ROOT, check=True)


def tracker_endpoints(path: Path, *, action_url: str, tracker: dict[str, str], broker_db: Path) -> Path:
    lines = [f'action_endpoint:\n  url: "{action_url}/webhook"', "tracker_store:", "  type: rasa_addons.tracker_store.WindowedSQLTrackerStore"]
    lines += [f'  {key}: "{value}"' for key, value in tracker.items()]
    lines += rasa_endpoint_lines(str(broker_db))
    path.write_text("\n".join(lines) + "\n")
    return path


@dataclass
class Stack:
    workdir: Path
    shop_db_url: str
    tracker: dict[str, str]
    token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    commands: dict[str, list[str]] = field(default_factory=dict)
    # More SHOP_* settings for every process of the stack (e.g. SHOP_SUPPORT_HOURS).
    extra_env: dict[str, str] = field(default_factory=dict)
    # The test's name of a conversation -> the id the gateway issued for it.
    conversations: dict[str, str] = field(default_factory=dict)
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    def __post_init__(self) -> None:
        self.api_port, self.rasa_port, self.action_port = free_port(), free_port(), free_port()
        self.api_url = f"http://127.0.0.1:{self.api_port}"
        self.rasa_url = f"http://127.0.0.1:{self.rasa_port}"
        self.action_url = f"http://127.0.0.1:{self.action_port}"

    @property
    def tracker_url(self) -> str:
        """SQLAlchemy URL of the stack's tracker store ("" = the SQLite file)."""
        t = self.tracker
        if t.get("dialect") == "sqlite":
            return f"sqlite:///{t['db']}"
        return f"postgresql+psycopg://{t.get('username', 'postgres')}@{t['url']}:{t.get('port', '5432')}/{t['db']}"

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOP_")}
        env.update(
            SHOP_DATABASE_URL=self.shop_db_url,
            SHOP_RASA_URL=self.rasa_url,
            SHOP_RASA_TOKEN=self.token,
            SHOP_SECRET_KEY=self.secret_key,
            SHOP_ACTION_SERVER_URL=self.action_url,
            SHOP_ACTION_ENDPOINT_URL=f"{self.action_url}/webhook",
            SHOP_TRACKER_DB=self.tracker.get("db", ""),
            SHOP_TRACKER_URL=self.tracker_url,
            SHOP_BROKER_DB=str(self.workdir / "broker.db"),
            # The stack's own recommendation model (none unless a test trains one), never var/'s.
            SHOP_RECS_MODEL_PATH=str(self.workdir / "recs" / "model.npz"),
            SHOP_SHOP_BASE_URL=self.api_url,  # product links and images point at the demo shop
            # Every test connects from 127.0.0.1; the limits themselves are tested in tests/api.
            SHOP_RATE_LIMIT_SESSIONS="1000/minute",
            SHOP_RATE_LIMIT_MESSAGES="1000/minute",
            SHOP_RATE_LIMIT_CONNECTIONS="1000/minute",
            SHOP_RATE_LIMIT_LONG_POLLS="1000/minute",
            SHOP_MAX_WAITING_PER_SOURCE="1000",
            # One source for every test, too: the per-source shares are tested in tests/bot and tests/api.
            SHOP_VERIFY_MAX_FAILURES_PER_SOURCE="1000",
            SHOP_VERIFY_MAX_FAILURES_GLOBAL="10000",
            SHOP_HANDOFF_MAX_OPEN_PER_SOURCE="1000",
            SANIC_HOST="127.0.0.1",
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            PYTHONPATH=str(ROOT),
        )
        env.update(self.extra_env)
        return env

    def _spawn(self, name: str, args: list[str]) -> None:
        self.commands[name] = args
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(args, cwd=ROOT, env=self._env(), stdout=log, stderr=subprocess.STDOUT)

    def start_actions(self) -> None:
        self._spawn("actions", [str(ROOT / ".venv/bin/python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(self.action_port)])

    def start_summaries(self) -> None:
        self._spawn("summaries", [str(ROOT / ".venv/bin/python"), "-m", "bot.summaries", "follow"])

    def summaries_caught_up(self, timeout: float = 30) -> None:
        """Wait until the console's summary tables hold every event Rasa has published."""
        from bot.db import make_engine
        from bot.summaries.feed_sql import lag

        tracker, broker = make_engine(self.tracker_url), make_engine(f"sqlite:///{self.workdir / 'broker.db'}")
        try:
            deadline = time.monotonic() + timeout
            while lag(tracker, broker):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the summary feed is behind after {timeout}s:\n{self.logs('summaries')}")
                time.sleep(0.1)
        finally:
            tracker.dispose()
            broker.dispose()

    def start(self, timeout: float = 240) -> None:
        if self.tracker.get("dialect") == "sqlite":
            # The project's own endpoints.yml, filled from the environment as `make run` does.
            endpoints = ROOT / "endpoints.yml"
        else:
            endpoints = tracker_endpoints(self.workdir / "endpoints.yml", action_url=self.action_url, tracker=self.tracker,
                                          broker_db=self.workdir / "broker.db")
        self.start_actions()
        self.start_summaries()
        self._spawn(
            "rasa",
            [
                str(ROOT / ".venv-rasa/bin/python"), "-m", "rasa_addons.serve", "run", "--model", str(MODEL), "--enable-api",
                f"--auth-token={self.token}", "--interface", "127.0.0.1", "--port", str(self.rasa_port),
                "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml"),
            ],
        )
        self._spawn(
            "api",
            [str(ROOT / ".venv/bin/uvicorn"), "--factory", "api.main:create_app", "--host", "127.0.0.1", "--port", str(self.api_port),
             "--timeout-graceful-shutdown", "3"],
        )
        self.wait_healthy(timeout)

    def wait_healthy(self, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited during start-up:\n{self.logs(name)}")
            try:
                if httpx.get(f"{self.api_url}/health", timeout=3).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(1)
        raise RuntimeError(f"stack not healthy after {timeout}s:\n" + "\n".join(self.logs(n) for n in self.procs))

    def logs(self, name: str, tail: int = 60) -> str:
        path = self.workdir / f"{name}.log"
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        return f"--- {name} ---\n" + "\n".join(lines[-tail:])

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def restart(self, name: str, timeout: float = 60) -> None:
        """Start a killed process again with the same command (same port)."""
        self._spawn(name, self.commands[name])
        self.wait_healthy(timeout)

    def stop(self) -> None:
        for name in list(self.procs):
            self.kill(name)

    def sid(self, name: str) -> str:
        """The conversation id the gateway issued for the conversation a test calls ``name``."""
        return self.conversations.get(name, name)

    def chat(self, sender: str, text: str, language: str | None = None) -> httpx.Response:
        """Send ``text`` in the conversation a test calls ``sender``.

        The gateway issues conversation ids: the first message of a name starts a new
        conversation and later ones continue it with the issued id (``sid(name)``). A
        name that is an id the gateway issued already (a widget session's) is used as is.
        """
        body = {"message": text}
        if language:
            body["language"] = language
        known = self.conversations.get(sender) or (sender if is_session_id(sender, secret_key=self.secret_key) else None)
        if known:
            body["sender_id"] = known
        response = httpx.post(f"{self.api_url}/api/chat", json=body, timeout=30)
        if response.status_code == 200 and not known:
            self.conversations[sender] = response.json()["sender_id"]
        return response

    def say(self, sender: str, text: str) -> str:
        """Send ``text``; return the bot's replies joined into one string."""
        response = self.chat(sender, text)
        assert response.status_code == 200, response.text
        return "\n".join(m["text"] or "" for m in response.json()["messages"])
