"""Cost of one hostile Cookie header (CVE-2024-7592): the interpreter's parser, and a running gateway.

CPython before 3.12.6/3.13.0 unquotes a quoted cookie value in quadratic time;
Starlette's ``request.cookies`` calls that ``_unquote``. Run it with each interpreter:

    .venv/bin/python benchmarks/header_parsing.py                       # the .venv's Python
    /root/.pyenv/versions/3.11.7/bin/python benchmarks/header_parsing.py
    /root/.pyenv/versions/3.13.0/bin/python benchmarks/header_parsing.py
    .venv/bin/python benchmarks/header_parsing.py --url http://127.0.0.1:8000   # + a running gateway

With ``--url`` it sends a 58 KiB Cookie of backslashes to /console/login (a page that reads
its cookies) while timing /health beside it: the gateway answers 431 at once, and /health is
not held up.
"""

from __future__ import annotations

import argparse
import http.cookies
import platform
import sys
import threading
import time

BACKSLASHES = 30_000
GATEWAY_COOKIE_BYTES = 58 * 1024


def _seconds(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def parser_figures(count: int) -> None:
    value = '"' + "\\" * count + '"'
    print(f"Python {platform.python_version()} ({sys.executable}), {count:,} backslashes in a quoted cookie:")
    print(f"  http.cookies._unquote          {_seconds(http.cookies._unquote, value):8.3f} s")
    print(f"  http.cookies.SimpleCookie.load {_seconds(http.cookies.SimpleCookie().load, 'a=' + value):8.3f} s")
    try:
        from starlette.requests import cookie_parser
    except ImportError:
        return
    print(f"  starlette cookie_parser        {_seconds(cookie_parser, 'a=' + value):8.3f} s  (request.cookies)")


def gateway_figures(url: str) -> None:
    import httpx

    cookie = 'a="' + "\\" * (GATEWAY_COOKIE_BYTES - 4) + '"'
    health: list[float] = []
    done = threading.Event()

    def poll() -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            while not done.is_set():
                health.append(_seconds(client.get, "/health"))
                time.sleep(0.05)

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.3)
    with httpx.Client(base_url=url, timeout=60) as client:
        start = time.perf_counter()
        answer = client.get("/console/login", headers={"Cookie": cookie})
        took = time.perf_counter() - start
    time.sleep(0.3)
    done.set()
    poller.join()
    print(f"Gateway {url}, a {GATEWAY_COOKIE_BYTES // 1024} KiB Cookie of backslashes:")
    print(f"  answer {answer.status_code} in {took:.3f} s; slowest /health meanwhile {max(health):.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backslashes", type=int, default=BACKSLASHES)
    parser.add_argument("--url", help="a running gateway to measure as well, e.g. http://127.0.0.1:8000")
    args = parser.parse_args()
    parser_figures(args.backslashes)
    if args.url:
        gateway_figures(args.url)


if __name__ == "__main__":
    main()
