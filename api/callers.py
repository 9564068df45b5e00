"""Who is calling the public API: a visitor's network, or a back-end integration with a key."""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request, WebSocket, status

from api.rate_limit import RateLimited, RateLimits
from bot.settings import Settings
from bot.sources import source_of_address

INTEGRATION_HEADER = "authorization"
BEARER = "bearer "


def client_address(request: Request | WebSocket) -> str:
    """The caller's IP (behind a proxy, run uvicorn with --proxy-headers so it is the visitor's)."""
    return request.client.host if request.client else "unknown"


def request_source(request: Request | WebSocket) -> str:
    """The keyed digest of the caller's network (bot/sources.py)."""
    return source_of_address(client_address(request))


def integration_name(request: Request, settings: Settings) -> str | None:
    """The integration whose key the request carries (``Authorization: Bearer <key>``), or None.

    A key that matches none is a 401, not an anonymous call: a typo should be loud.
    """
    header = request.headers.get(INTEGRATION_HEADER, "")
    if not header:
        return None
    if not header.lower().startswith(BEARER):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown integration key",
                            headers={"WWW-Authenticate": "Bearer"})
    sent = header[len(BEARER):].strip().encode()
    found = None
    for name, key in settings.integrations.items():
        if hmac.compare_digest(sent, key.encode()):  # no early exit: timing tells nothing
            found = name
    if found is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown integration key",
                            headers={"WWW-Authenticate": "Bearer"})
    return found


def limit(limits: RateLimits, name: str, key: str) -> None:
    """Count one request for ``key`` under limit ``name``; 429 with Retry-After when over."""
    try:
        limits.hit(name, key)
    except RateLimited as exc:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS, "too many requests, please slow down",
            headers={"Retry-After": str(exc.retry_after)},
        ) from exc
