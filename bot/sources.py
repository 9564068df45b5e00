"""Where a request comes from, as a keyed digest: throttles count by it, nothing stores the address.

A source is one network (an IPv4 address, or an IPv6 /64, which one subscriber
usually holds whole) or one back-end integration. The digest is keyed with the
secret key, so the stored value cannot be turned back into an address by trying
them all.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from bot.settings import get_settings

DIGEST_CHARS = 32
IPV6_PREFIX = 64


def _digest(purpose: str, value: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:DIGEST_CHARS]


def _network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:100]  # not an IP (a test client, a unix socket): itself
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def source_of_address(address: str) -> str:
    """The source of a visitor at ``address`` (``ip-`` + keyed digest of its network)."""
    return "ip-" + _digest("source", _network(address))


def source_of_integration(name: str) -> str:
    """The source of a back-end integration's calls."""
    return "key-" + _digest("integration", name)


def email_digest(email: str) -> str:
    """A keyed digest of a normalised email, for counting failures per email without keeping it."""
    return _digest("email", email.strip().lower())
