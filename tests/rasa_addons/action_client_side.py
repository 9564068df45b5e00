"""Checks of rasa_addons.action_client that need Rasa: run with .venv-rasa's Python.

Starts a real aiohttp server on a free loopback port, sends it requests through
Rasa's `EndpointConfig.request` (patched on import of rasa_addons) the way
`RemoteAction` does, and prints one JSON object with what the server saw.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from aiohttp import web  # noqa: E402
from rasa.core.actions.action import RemoteAction  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402
from rasa.utils.endpoints import ClientResponseError, EndpointConfig  # noqa: E402

import rasa_addons  # noqa: E402,F401  (installs the pooled requests)
from rasa_addons.action_client import encode_body, pooled_request  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def main() -> dict:
    seen: list = []
    peers: set = set()

    async def webhook(request: web.Request) -> web.Response:
        peers.add(request.transport.get_extra_info("peername"))
        seen.append({"body": await request.json(), "headers": dict(request.headers), "query": dict(request.query)})
        return web.json_response({"events": [], "responses": [{"text": "ok"}]})

    async def failing(request: web.Request) -> web.Response:
        return web.Response(status=500, text="boom")

    async def plain(request: web.Request) -> web.Response:
        return web.Response(text="not json")

    app = web.Application()
    app.add_routes([web.post("/webhook", webhook), web.post("/fail", failing), web.post("/plain", plain)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]

    endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook", token="s3cret", headers={"X-Shop": "demo"})
    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker = DialogueStateTracker("visitor-1", domain.slots)
    action = RemoteAction("action_order_status", endpoint)
    body = action._action_call_format(tracker, domain)
    replies = [await endpoint.request(json=body, method="post", timeout=30) for _ in range(5)]
    try:
        await endpoint.request(json={}, subpath="../fail")
        error = None
    except ClientResponseError as e:
        error = e.status
    not_json = await endpoint.request(json={}, subpath="../plain")
    one_server_seen, one_server_peers = list(seen), set(peers)

    # Several action servers: calls take turns; a refused connection moves on to the next.
    second_seen: list = []

    async def second_webhook(request: web.Request) -> web.Response:
        second_seen.append(await request.json())
        return web.json_response({"events": [], "responses": [{"text": "second"}]})

    second_app = web.Application()
    second_app.add_routes([web.post("/webhook", second_webhook)])
    second_runner = web.AppRunner(second_app)
    await second_runner.setup()
    second_site = web.TCPSite(second_runner, "127.0.0.1", 0)
    await second_site.start()
    second_port = second_site._server.sockets[0].getsockname()[1]
    dead_port = _closed_port()
    first, second, dead = (f"http://127.0.0.1:{p}/webhook" for p in (port, second_port, dead_port))
    both = EndpointConfig(url=f"{first},{second}")
    before = len(seen)
    in_turns = [(await both.request(json={"n": n}))["responses"][0]["text"] for n in range(4)]
    took_turns = {"first": len(seen) - before, "second": len(second_seen)}
    with_dead = EndpointConfig(url=f"{dead}, {second}")
    past_dead = [(await with_dead.request(json={"n": n}))["responses"][0]["text"] for n in range(3)]
    all_dead = EndpointConfig(url=f"{dead},{dead.replace(str(dead_port), str(_closed_port()))}")
    try:
        await all_dead.request(json={})
        all_dead_error = None
    except Exception as e:  # what RemoteAction turns into "failed to execute custom action"
        all_dead_error = type(e).__name__
    await second_runner.cleanup()
    await runner.cleanup()
    return {
        "installed": EndpointConfig.request is pooled_request,
        "replies": replies,
        "bodies_equal": all(s["body"] == json.loads(json.dumps(body)) for s in one_server_seen),
        "domain_sent": seen[0]["body"].get("domain") == json.loads(json.dumps(domain.as_dict())),
        "token": seen[0]["query"].get("token"),
        "header": seen[0]["headers"].get("X-Shop"),
        "content_type": seen[0]["headers"].get("Content-Type"),
        "connections": len(one_server_peers),
        "error_status": error,
        "not_json": not_json,
        "in_turns": in_turns,
        "took_turns": took_turns,
        "past_dead": past_dead,
        "all_dead_error": all_dead_error,
        "encode": [json.loads(encode_body(x)) == x for x in ({}, {"domain": {}}, {"domain": {"a": 1}, "b": [2]},
                                                            [1, 2], {"domain": "not a dict"})],
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
