"""What the benchmarks share: the machine line, free ports, the service processes, /proc readings.

The processes (action server, `rasa run`, the gateway) each start in a session
of their own, so a Ctrl-C reaches only the benchmark, whose ``finally`` stops
them in order; ``stop()`` signals the whole process group (Sanic may run a
worker child).
"""

from __future__ import annotations

import math
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the scripts are run as files: the project's packages are one level up
    sys.path.insert(0, str(ROOT))

from bot.summaries.feed_sql import rasa_endpoint_lines  # noqa: E402 - after the path is set

MODEL = ROOT / "models" / "shop.tar.gz"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
# Our `rasa run`: Rasa's command line, without TensorFlow when the model allows it (rasa_addons/serve.py).
RASA_SERVE = (str(ROOT / ".venv-rasa" / "bin" / "python"), "-m", "rasa_addons.serve")
APP_PYTHON = ROOT / ".venv" / "bin" / "python"
UVICORN = ROOT / ".venv" / "bin" / "uvicorn"
ADDON_STORE = "rasa_addons.tracker_store.WindowedSQLTrackerStore"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- the machine ------------------------------------------------------------------


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


# --- /proc and figures --------------------------------------------------------------


def stat_cpu_ticks(stat: str) -> int:
    """utime + stime (clock ticks) from the text of /proc/<pid>/stat.

    The command name (field 2) is in parentheses and may hold spaces or ')', so
    the fields are counted from the last ')': utime and stime are fields 14 and 15.
    """
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def status_kb(status: str, key: str) -> int:
    """A ``kB`` figure (VmRSS, VmHWM, ...) from the text of /proc/<pid>/status; 0 when absent."""
    for line in status.splitlines():
        name, _, value = line.partition(":")
        if name == key:
            return int(value.split()[0])
    return 0


def process_tree(pid: int) -> list[int]:
    """A process and its live descendants."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(x) for x in children.read_text().split()]
            except OSError:
                pass
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live descendants, all threads."""
    ticks = 0
    for each in process_tree(pid):
        try:
            ticks += stat_cpu_ticks(Path(f"/proc/{each}/stat").read_text())
        except (OSError, IndexError, ValueError):
            continue  # exited meanwhile
    return ticks / CLK_TCK


def memory_mb(pid: int, key: str = "VmRSS") -> float:
    try:
        return status_kb(Path(f"/proc/{pid}/status").read_text(), key) / 1024
    except OSError:
        return float("nan")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the closest ranks (numpy's default); nan if empty."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


# --- processes --------------------------------------------------------------------


def service_env(**overrides: str) -> dict[str, str]:
    """The environment for a service: ours without SHOP_* settings, plus ``overrides``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOP_")}
    env.update(RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(ROOT))
    env.update(overrides)
    return env


def wait_until(ready: Callable[[], bool], proc: subprocess.Popen, what: str, tail: Callable[[], str],
               timeout: float, interval: float = 1.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited during start-up:\n" + tail())
        try:
            if ready():
                return
        except httpx.TransportError:
            pass
        time.sleep(interval)
    raise RuntimeError(f"{what} not ready after {timeout}s:\n" + tail())


def stop_process(proc: subprocess.Popen | None, timeout: float = 20) -> None:
    """SIGTERM the process (its group, when it leads one), SIGKILL after ``timeout``."""
    if proc is None or proc.poll() is not None:
        return

    def send(sig: int) -> None:
        try:
            if os.getpgid(proc.pid) == proc.pid:
                os.killpg(proc.pid, sig)
            else:
                proc.send_signal(sig)
        except ProcessLookupError:
            pass

    send(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        proc.wait()


class Service:
    """One process with its log in ``workdir/<name>.log``."""

    name = "service"

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"{self.name}.log"
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def pid(self) -> int:
        assert self.proc is not None, f"{self.name} is not running"
        return self.proc.pid

    def spawn(self, args: list[str], *, env: dict[str, str], cwd: Path = ROOT) -> None:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)

    def tail(self, n: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-n:])

    def stop(self) -> None:
        stop_process(self.proc)
        if self._log:
            self._log.close()
            self._log = None


class ActionServer(Service):
    """Our action server on a free port, on a migrated SQLite shop DB in ``workdir`` (or ``env``'s)."""

    name = "actions"

    def __init__(self, workdir: Path, env: dict[str, str] | None = None) -> None:
        super().__init__(workdir)
        self.env = env or {k: v for k, v in os.environ.items() if not k.startswith("SHOP_")}
        self.env.setdefault("SHOP_DATABASE_URL", f"sqlite:///{workdir / 'shop.db'}")
        self.env.update(PYTHONPATH=str(ROOT), SANIC_HOST="127.0.0.1")

    def start(self, timeout: float = 60) -> None:
        subprocess.run([str(APP_PYTHON), "-m", "bot.migrate"], cwd=ROOT, env=self.env, check=True, capture_output=True)
        self.spawn([str(APP_PYTHON), "-m", "rasa_sdk", "--actions", "actions", "--port", str(self.port)], env=self.env)
        wait_until(lambda: httpx.get(f"{self.url}/health", timeout=3).status_code == 200,
                   self.proc, "the action server", self.tail, timeout)


class SummaryFeed(Service):
    """`python -m bot.summaries follow`: applies the SQL broker's events to the console's summary tables."""

    name = "summaries"

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        super().__init__(workdir)
        self.env = env

    def start(self) -> None:
        self.spawn([str(APP_PYTHON), "-m", "bot.summaries", "follow"], env=self.env)


class RasaServer(Service):
    """`rasa run` with the HTTP API behind a fresh token, on loopback.

    The endpoints file (in ``workdir``) has the action endpoint (when ``action_url``
    is given, with ``action_options`` such as ``enable_selective_domain``) and the
    tracker store ``store_type`` with ``tracker`` and ``extra`` settings (none:
    Rasa's default in-memory store).
    """

    name = "rasa"

    def __init__(self, workdir: Path, *, store_type: str, tracker: dict[str, str], extra: dict[str, str],
                 action_url: str | None, model: Path = MODEL, cwd: Path = ROOT,
                 action_options: dict[str, object] | None = None, broker_db: Path | None = None,
                 env: dict[str, str] | None = None, stock: bool = False) -> None:
        super().__init__(workdir)
        self.model, self.cwd, self.env = model, cwd, dict(env or {})
        self.command = [str(RASA)] if stock else list(RASA_SERVE)  # a stock bot runs as it comes
        self.token = secrets.token_urlsafe(16)
        lines = []
        if action_url:
            lines += ["action_endpoint:", f'  url: "{action_url}/webhook"']
            lines += [f"  {k}: {_yaml_scalar(v)}" for k, v in (action_options or {}).items()]
        if store_type:
            lines += ["tracker_store:", f"  type: {store_type}"]
            lines += [f"  {k}: {_yaml_scalar(v)}" for k, v in {**tracker, **extra}.items()]
        if broker_db:  # as endpoints.yml: the event broker that feeds the console's summary tables
            lines += rasa_endpoint_lines(str(broker_db))
        self.endpoints = workdir / "endpoints.yml"
        self.endpoints.write_text("\n".join(lines) + "\n")
        self.load_seconds = math.nan  # spawn to a loaded model on /status

    def start(self, timeout: float = 300) -> None:
        started = time.perf_counter()
        self.spawn(
            [
                *self.command, "run", "--model", str(self.model), "--enable-api", f"--auth-token={self.token}",
                "--interface", "127.0.0.1", "--port", str(self.port),
                "--endpoints", str(self.endpoints), "--credentials", str(self.cwd / "credentials.yml"),
            ],
            env=service_env(**self.env), cwd=self.cwd,
        )

        def ready() -> bool:
            r = httpx.get(f"{self.url}/status", params={"token": self.token}, timeout=3)
            return r.status_code == 200 and bool(r.json().get("model_file"))

        wait_until(ready, self.proc, "rasa run", self.tail, timeout, interval=0.2)
        self.load_seconds = time.perf_counter() - started


class Gateway(Service):
    """The FastAPI gateway (uvicorn, one process) with the settings in ``env``."""

    name = "gateway"

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        super().__init__(workdir)
        self.env = {**env, "SHOP_SHOP_BASE_URL": self.url}

    def start(self, timeout: float = 60) -> None:
        """Start and wait until it answers (its /health says 503 until Rasa is up too)."""
        self.spawn([str(UVICORN), "--factory", "api.main:create_app", "--host", "127.0.0.1", "--port",
                    str(self.port), "--timeout-graceful-shutdown", "3"], env=self.env)
        wait_until(lambda: httpx.get(f"{self.url}/health", timeout=5).status_code in (200, 503),
                   self.proc, "the gateway", self.tail, timeout, interval=0.5)

    def wait_healthy(self, timeout: float = 60) -> None:
        wait_until(lambda: httpx.get(f"{self.url}/health", timeout=5).status_code == 200,
                   self.proc, "the gateway (healthy)", self.tail, timeout, interval=0.5)


def _yaml_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"'
