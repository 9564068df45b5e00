"""Calls to the action server over kept-alive connections, the domain encoded once.

Why: Rasa 3.6's `EndpointConfig.request` opens a new `aiohttp.ClientSession`
(and so a new TCP connection) for every call to the action server, and
`RemoteAction` sends the whole domain with every call, encoded to JSON
again each time. Under load the session set-up alone was about 7% of the
Rasa server's CPU and the JSON encoding about 6% (py-spy, issue #16).

What: `install()` replaces `EndpointConfig.request` with the same request
(same headers, token, parameters, TLS, compression, errors and result) sent
through one session per endpoint and event loop, so connections are reused
(aiohttp closes idle ones after 15 s, well within the action server's
keep-alive of 120 s). A JSON body that carries the domain is encoded with
the domain's text cached: Rasa's `Domain.as_dict()` returns the same dict
object for as long as the model is loaded, so the text is cached for that
object. `rasa_addons/__init__.py` calls `install()`.

Several action servers (the scaled mode, issue #19): an endpoint `url` may list
several base URLs separated by commas. Calls take turns over them, and a call
whose connection is refused (the server never got it) goes to the next one at
once; a server that refused is tried last for `REST_SECONDS`. A call that failed
after it reached a server is not sent again: an action may have changed an order.
Behind a load balancer (a Kubernetes Service) give the one URL.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import ssl
import time
from typing import Any, Dict, List, Optional, Text

import aiohttp
from aiohttp import ContentTypeError
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.shared.exceptions import FileNotFoundException
from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url

from rasa_addons import fast_json

_MARK = "_shop_pooled_requests"
_SESSIONS = "_shop_sessions"
_SERVERS = "_shop_servers"
REST_SECONDS = 5.0


class Servers:
    """The base URLs of one endpoint, taken in turns; one that refused a connection rests a while."""

    def __init__(self, urls: List[Text], clock=time.monotonic) -> None:
        self.urls = urls
        self._turn = itertools.count()
        self._clock = clock
        self._rested_until: Dict[Text, float] = {}

    def order(self) -> List[Text]:
        """Every URL, starting with the next one's turn; rested ones last."""
        start = next(self._turn) % len(self.urls)
        turn = self.urls[start:] + self.urls[:start]
        now = self._clock()
        return sorted(turn, key=lambda url: self._rested_until.get(url, 0.0) > now)

    def rest(self, url: Text) -> None:
        self._rested_until[url] = self._clock() + REST_SECONDS

    def revive(self, url: Text) -> None:
        self._rested_until.pop(url, None)


def servers_of(endpoint: EndpointConfig) -> Servers:
    """The endpoint's URLs (its `url`, split at commas), kept on the endpoint."""
    servers = endpoint.__dict__.get(_SERVERS)
    if servers is None or servers.urls != _split(endpoint.url):
        servers = endpoint.__dict__[_SERVERS] = Servers(_split(endpoint.url))
    return servers


def _split(url: Optional[Text]) -> List[Text]:
    return [part.strip() for part in (url or "").split(",") if part.strip()] or [url or ""]


class _DomainText:
    """The JSON text of the last domain dict seen (one model is loaded at a time)."""

    def __init__(self) -> None:
        self._domain: Any = None
        self._text = ""

    def of(self, domain: Dict[Text, Any]) -> Text:
        if domain is not self._domain:
            self._text = json.dumps(domain)
            self._domain = domain
        return self._text


_domain_text = _DomainText()


def encode_body(body: Any) -> Text:
    """`json.dumps(body)`'s JSON value; a dict's "domain" value is taken from the cache."""
    if not isinstance(body, dict) or not isinstance(body.get("domain"), dict):
        return fast_json.dumps(body)
    rest = {key: value for key, value in body.items() if key != "domain"}
    domain = _domain_text.of(body["domain"])
    rest_text = fast_json.dumps(rest)
    return f'{{"domain": {domain}}}' if rest_text == "{}" else f'{{"domain": {domain}, {rest_text[1:]}'


def _session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """This endpoint's session on the running event loop (made on first use)."""
    loop = asyncio.get_running_loop()
    sessions: Dict[Any, aiohttp.ClientSession] = endpoint.__dict__.setdefault(_SESSIONS, {})
    for other in [key for key in sessions if key.is_closed()]:
        del sessions[other]  # a loop that ended (tests run several): its session went with it
    session = sessions.get(loop)
    if session is None or session.closed:
        auth = None
        if endpoint.basic_auth:
            auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
        session = aiohttp.ClientSession(
            headers=endpoint.headers, auth=auth, timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT)
        )
        sessions[loop] = session
    return session


async def pooled_request(
    self: EndpointConfig,
    method: Text = "post",
    subpath: Optional[Text] = None,
    content_type: Optional[Text] = "application/json",
    compress: bool = False,
    **kwargs: Any,
) -> Optional[Any]:
    """Drop-in for `EndpointConfig.request`: same request and result, reused connections."""
    headers = {}
    if content_type:
        headers["Content-Type"] = content_type
    if "headers" in kwargs:
        headers.update(kwargs.pop("headers"))
    if self.headers:
        headers.update(self.headers)
    if "json" in kwargs:  # what aiohttp would send for json=..., with the domain's text cached
        kwargs["data"] = encode_body(kwargs.pop("json")).encode("utf-8")
        headers.setdefault("Content-Type", "application/json")
    sslcontext = None
    if self.cafile:
        try:
            sslcontext = ssl.create_default_context(cafile=self.cafile)
        except FileNotFoundError as e:
            raise FileNotFoundException(
                f"Failed to find certificate file, '{os.path.abspath(self.cafile)}' does not exist."
            ) from e
    params = self.combine_parameters(kwargs)
    servers = servers_of(self)
    order = servers.order()
    for index, base in enumerate(order):
        try:
            async with _session(self).request(
                method, concat_url(base, subpath), headers=headers, params=params, compress=compress,
                ssl=sslcontext, **kwargs
            ) as response:
                servers.revive(base)
                if response.status >= 400:
                    raise ClientResponseError(response.status, response.reason, await response.content.read())
                try:
                    return await response.json()
                except ContentTypeError:
                    return None
        except aiohttp.ClientConnectorError:
            servers.rest(base)
            if index == len(order) - 1:
                raise
    return None  # not reached: the loop returns or raises


def install() -> None:
    """Send every endpoint request through `pooled_request` (idempotent)."""
    if getattr(EndpointConfig, _MARK, False):
        return
    EndpointConfig.request = pooled_request  # type: ignore[method-assign]
    setattr(EndpointConfig, _MARK, True)
