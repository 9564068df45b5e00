"""How long `make run` takes to a green /health when nothing needs installing or training.

Runs the README's own command, `make run` (``scripts/run.sh``), on free ports, times it from
the start of the command to the first 200 of ``/health`` (Rasa's model loaded, the action
server up, the shop database reachable), stops it with Ctrl-C's signal, and repeats. The
first run may migrate and seed a new ``var/shop.db``; the figures that matter are the
later ones, the issue's "second `make run`". Environments and model must be set up first
(`make run` once, or `make train`): a run that installs or trains is reported as such.

    .venv/bin/python benchmarks/startup.py            # 3 runs
    .venv/bin/python benchmarks/startup.py --runs 5
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from benchmarks._common import ROOT, free_port, machine  # noqa: E402

TIMEOUT = 180.0


def healthy(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def one_run() -> float:
    """Seconds from `make run` to a green /health."""
    api, rasa, actions = free_port(), free_port(), free_port()
    env = {**os.environ, "SHOP_API_PORT": str(api), "SHOP_RASA_PORT": str(rasa), "SHOP_ACTION_PORT": str(actions)}
    url = f"http://127.0.0.1:{api}/health"
    started = time.perf_counter()
    proc = subprocess.Popen(["make", "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    try:
        while not healthy(url):
            if proc.poll() is not None:
                raise SystemExit(f"`make run` exited with {proc.returncode}:\n{proc.stdout.read()[-2000:]}")
            if time.perf_counter() - started > TIMEOUT:
                raise SystemExit(f"/health was not green within {TIMEOUT:.0f} s")
            time.sleep(0.1)
        return time.perf_counter() - started
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
        if "training the Rasa model" in (out or "") or "installing " in (out or ""):
            print("  (this run installed or trained: not a warm start)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    times = []
    for i in range(args.runs):
        seconds = one_run()
        times.append(seconds)
        print(f"run {i + 1}: `make run` to a green /health in {seconds:.1f} s")
    later = times[1:] or times
    print(f"later runs: median {statistics.median(later):.1f} s, max {max(later):.1f} s (target: 15 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
