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
    await runner.cleanup()
    return {
        "installed": EndpointConfig.request is pooled_request,
        "replies": replies,
        "bodies_equal": all(s["body"] == json.loads(json.dumps(body)) for s in seen),
        "domain_sent": seen[0]["body"].get("domain") == json.loads(json.dumps(domain.as_dict())),
        "token": seen[0]["query"].get("token"),
        "header": seen[0]["headers"].get("X-Shop"),
        "content_type": seen[0]["headers"].get("Content-Type"),
        "connections": len(peers),
        "error_status": error,
        "not_json": not_json,
        "encode": [json.loads(encode_body(x)) == x for x in ({}, {"domain": {}}, {"domain": {"a": 1}, "b": [2]},
                                                            [1, 2], {"domain": "not a dict"})],
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
