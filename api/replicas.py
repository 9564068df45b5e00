"""Which Rasa replica the gateway sends a conversation's turn to.

Every replica can serve every conversation: they share the tracker store, and
Rasa's lock store in Redis keeps two of them from processing one conversation at
once. Still, each replica keeps the trackers it served last in memory
(rasa_addons/tracker_cache.py), so the gateway sends a conversation to the same
replica while that one answers: rendezvous hashing (highest random weight) of the
conversation id over the replica URLs. Conversations spread evenly, and when a
replica is missing only its own conversations move, each to its next choice.

A replica that refused a connection is rested for ``REST_SECONDS``: it goes last in
every order until then, so a dead one costs one refused connection per rest rather
than one per turn, and a restarted one gets its conversations back.

Behind one name: a URL whose host name resolves to several addresses (a Kubernetes
headless Service, a Docker Compose service with replicas) stands for one replica per
address, looked up again every ``RESOLVE_SECONDS``, so the gateway keeps conversations
on their replicas there too (a load balancer in front would spread each
conversation's turns over all of them, and lose the trackers each keeps in memory).
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import logging
import socket
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit, urlunsplit

logger = logging.getLogger(__name__)

REST_SECONDS = 5.0
RESOLVE_SECONDS = 10.0

Resolver = Callable[[str, int], Awaitable[list[str]]]


async def _addresses(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def split_urls(value: str) -> list[str]:
    """A setting's comma-separated URLs, without blanks or trailing slashes."""
    return [u.strip().rstrip("/") for u in value.split(",") if u.strip()]


def _with_host(url: str, address: str) -> str:
    parts = urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


def _weight(key: str, url: str) -> bytes:
    return hashlib.blake2b(f"{url}\x00{key}".encode("utf-8", "surrogatepass"), digest_size=8).digest()


class Replicas:
    """The Rasa replicas' base URLs, in the order a conversation should try them."""

    def __init__(self, urls: list[str], *, clock: Callable[[], float] = time.monotonic,
                 resolve: Resolver = _addresses) -> None:
        cleaned = split_urls(",".join(urls))
        if not cleaned:
            raise ValueError("at least one Rasa URL is needed")
        self.configured: tuple[str, ...] = tuple(dict.fromkeys(cleaned))
        self._expanded: dict[str, tuple[str, ...]] = {url: (url,) for url in self.configured}
        self.urls: tuple[str, ...] = self.configured
        self._clock = clock
        self._resolve = resolve
        self._resolved_at = -RESOLVE_SECONDS
        self._rested_until: dict[str, float] = {}

    async def refresh(self) -> None:
        """Look the configured host names up again if ``RESOLVE_SECONDS`` have passed: a name with
        several addresses becomes one replica per address. A failed lookup keeps what was known."""
        if self._clock() - self._resolved_at < RESOLVE_SECONDS:
            return
        self._resolved_at = self._clock()
        for url in self.configured:
            parts = urlsplit(url)
            host = parts.hostname or ""
            if not host or _is_address(host):
                continue
            try:
                addresses = await self._resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
            except OSError as exc:
                logger.warning("could not look up Rasa replicas at %s (%s); keeping the last known", host, exc)
                continue
            # One address (or "localhost": 127.0.0.1 and ::1): keep the name, which TLS and Host
            # headers want; several: one URL per replica.
            one = len(addresses) <= 1 or all(ipaddress.ip_address(a).is_loopback for a in addresses)
            self._expanded[url] = (url,) if one else tuple(_with_host(url, a) for a in addresses)
        found = [u for url in self.configured for u in self._expanded[url]]
        self.urls = tuple(dict.fromkeys(found))

    @classmethod
    def from_setting(cls, value: str) -> "Replicas":
        """From ``SHOP_RASA_URL``: one URL, or several separated by commas."""
        return cls(value.split(","))

    def order(self, key: str) -> list[str]:
        """Every replica, the one ``key`` belongs to first; rested replicas last."""
        ranked = sorted(self.urls, key=lambda url: _weight(key, url), reverse=True)
        now = self._clock()
        return sorted(ranked, key=lambda url: self._rested_until.get(url, 0.0) > now)

    def rest(self, url: str) -> None:
        """``url`` refused a connection: try the others first for a while."""
        self._rested_until[url] = self._clock() + REST_SECONDS

    def revive(self, url: str) -> None:
        """``url`` answered."""
        self._rested_until.pop(url, None)
