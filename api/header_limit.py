"""Refuse oversized request headers before anything parses them.

CPython before 3.12.6/3.13.0 parses a quoted cookie in quadratic time
(CVE-2024-7592): one 58 KiB Cookie of backslashes held the event loop for
seconds. The gateway runs on a fixed Python (scripts/lib.sh); this bound keeps
any header's parse cost small whatever the interpreter, and bounds what one
request may make the gateway hold.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

# A browser keeps each cookie under 4 KiB; 8 KiB leaves room for several (the
# console's own cookies are under 200 bytes) and matches nginx's default
# large_client_header_buffers, so a proxy in front would refuse the same.
MAX_COOKIE_BYTES = 8 * 1024
MAX_HEADER_BYTES = 8 * 1024
# Node refuses a header block over 16 KiB, Apache over 100 fields of 8 KiB; 32 KiB is generous.
MAX_TOTAL_BYTES = 32 * 1024


def oversized_header(headers: list[tuple[bytes, bytes]]) -> str | None:
    """Why these headers are refused (a sentence), or None when they are within the limits."""
    total = cookies = 0
    for name, value in headers:
        size = len(name) + len(value)
        total += size
        if name == b"cookie":
            cookies += len(value)  # HTTP/2 may split the cookies over several fields
            if cookies > MAX_COOKIE_BYTES:
                return f"the Cookie header is over {MAX_COOKIE_BYTES} bytes"
        elif size > MAX_HEADER_BYTES:
            return f"the {name.decode('latin-1')[:40]} header is over {MAX_HEADER_BYTES} bytes"
    if total > MAX_TOTAL_BYTES:
        return f"the headers are over {MAX_TOTAL_BYTES} bytes in all"
    return None


class HeaderSizeLimit:
    """ASGI middleware: 431 for an HTTP request, a refused handshake for a WebSocket."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = oversized_header(scope.get("headers", [])) if scope["type"] in ("http", "websocket") else None
        if problem is None:
            await self.app(scope, receive, send)
            return
        response = JSONResponse(
            status_code=431, content={"error": "request header fields too large", "detail": problem}
        )
        if scope["type"] == "http":
            await response(scope, receive, send)
            return
        # Refused before accept: a server with the denial-response extension sends the 431,
        # any other closes the handshake with 1008 (policy violation).
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        if "websocket.http.response" in (scope.get("extensions") or {}):
            await response(scope, receive, send)  # Starlette sends it as websocket.http.response.*
        else:
            await send({"type": "websocket.close", "code": 1008, "reason": "header fields too large"})

