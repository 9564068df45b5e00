"""The gateway served by a real uvicorn process on a free loopback port, for browser tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.api.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def served_gateway(database_url: str, **settings: str) -> Iterator[str]:
    """Run ``api.main:create_app`` on ``database_url`` (Rasa and the action server unreachable);
    yields its base URL once the console's login page answers, and stops it afterwards."""
    port = free_port()
    env = {**os.environ, "SHOP_DATABASE_URL": database_url, "SHOP_RASA_URL": f"http://127.0.0.1:{free_port()}",
           "SHOP_ACTION_SERVER_URL": f"http://127.0.0.1:{free_port()}", **settings}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app", "--host", "127.0.0.1",
         "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited:\n{proc.stdout.read().decode()}")
            try:
                if httpx.get(f"{base}/console/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
