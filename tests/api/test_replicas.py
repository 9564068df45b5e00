"""The gateway's choice of Rasa replica (api/replicas.py) and its failover (api/rasa_client.py).

The real replicas, killed under load: tests/e2e/test_scale_out.py.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest

from api.rasa_client import RasaClient, RasaUnavailable, TurnInterrupted
from api.replicas import REST_SECONDS, Replicas

URLS = ["http://rasa-a:5005", "http://rasa-b:5005", "http://rasa-c:5005"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_conversation_keeps_to_its_replica_and_conversations_spread_evenly():
    replicas = Replicas(URLS)
    firsts = Counter(replicas.order(f"conversation-{n}")[0] for n in range(3000))
    assert set(firsts) == set(URLS)
    assert all(900 < count < 1100 for count in firsts.values()), firsts
    assert all(replicas.order(f"conversation-{n}") == replicas.order(f"conversation-{n}") for n in range(50))
    assert sorted(replicas.order("x")) == sorted(URLS)


def test_without_a_replica_only_its_own_conversations_move():
    three, two = Replicas(URLS), Replicas(URLS[:2])
    for n in range(500):
        key = f"conversation-{n}"
        if three.order(key)[0] != URLS[2]:
            assert two.order(key)[0] == three.order(key)[0]
        else:
            assert two.order(key)[0] == three.order(key)[1]


def test_a_replica_that_refused_goes_last_until_its_rest_is_over_or_it_answers():
    clock = Clock()
    replicas = Replicas(URLS, clock=clock)
    key = next(f"c{n}" for n in range(100) if Replicas(URLS).order(f"c{n}")[0] == URLS[0])
    replicas.rest(URLS[0])
    assert replicas.order(key)[-1] == URLS[0]
    clock.now += REST_SECONDS + 0.1
    assert replicas.order(key)[0] == URLS[0]
    replicas.rest(URLS[0])
    replicas.revive(URLS[0])
    assert replicas.order(key)[0] == URLS[0]


def test_the_setting_lists_replicas_separated_by_commas():
    assert Replicas.from_setting(" http://a:1/ , http://b:2,,http://a:1").urls == ("http://a:1", "http://b:2")
    with pytest.raises(ValueError):
        Replicas.from_setting(" , ")


def _client(handler) -> RasaClient:
    async def as_given(host: str, port: int) -> list[str]:
        return [host]

    client = RasaClient(rasa_url=",".join(URLS), action_server_url="http://actions:5055", token="t", timeout=5)
    client.replicas = Replicas(URLS, resolve=as_given)  # the names stand for one replica each
    client._http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return client


def _run(coroutine):
    return asyncio.run(coroutine)


def test_a_message_goes_to_the_next_replica_when_one_refuses_the_connection():
    hits: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hits.append(request.url.host)
        if request.url.host == "rasa-a":
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json=[{"text": f"from {request.url.host}"}])

    client = _client(handler)
    key = next(f"c{n}" for n in range(100) if client.replicas.order(f"c{n}")[0] == URLS[0])
    reply = _run(client.send(sender_id=key, text="hi"))
    assert hits[0] == "rasa-a" and reply == [{"text": f"from {hits[1]}"}]
    hits.clear()
    _run(client.send(sender_id=key, text="again"))  # rested: not tried first any more
    assert hits == [hits[0]] and hits[0] != "rasa-a"


def test_a_replica_that_fails_after_taking_the_message_is_not_sent_it_again():
    hits: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hits.append(request.url.host)
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)

    with pytest.raises(TurnInterrupted):
        _run(_client(handler).send(sender_id="c1", text="cancel my order"))
    assert len(hits) == 1  # it may have been processed: sending it elsewhere could answer it twice


def test_a_slow_replica_is_unavailable_not_interrupted():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(RasaUnavailable) as caught:
        _run(_client(handler).send(sender_id="c1", text="hi"))
    assert not isinstance(caught.value, TurnInterrupted)


def test_when_every_replica_refuses_rasa_is_unavailable():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(RasaUnavailable):
        _run(_client(handler).send(sender_id="c1", text="hi"))


def test_health_counts_the_replicas_that_answer():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "rasa-b":
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={})

    ok, detail = _run(_client(handler).rasa_health())
    assert ok and detail.startswith("2 of 3 Rasa replicas answer") and "rasa-b" in detail


def test_a_name_with_several_addresses_is_one_replica_per_address_looked_up_again_later():
    clock = Clock()
    answers = {"rasa": ["10.0.0.7", "10.0.0.5"]}
    looked_up: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        looked_up.append(host)
        if host not in answers:
            raise OSError("no such host")
        return sorted(answers[host])

    replicas = Replicas(["http://rasa:5005", "http://10.0.0.9:5005", "http://localhost:5005"], clock=clock,
                        resolve=resolve)
    answers["localhost"] = ["127.0.0.1", "::1"]
    _run(replicas.refresh())
    assert replicas.urls == ("http://10.0.0.5:5005", "http://10.0.0.7:5005", "http://10.0.0.9:5005",
                             "http://localhost:5005")
    assert looked_up == ["rasa", "localhost"]  # addresses are not looked up
    answers["rasa"] = ["10.0.0.5", "10.0.0.8"]  # a pod replaced
    _run(replicas.refresh())
    assert "http://10.0.0.7:5005" in replicas.urls  # not yet: looked up again after RESOLVE_SECONDS
    clock.now += 11
    _run(replicas.refresh())
    assert replicas.urls[:2] == ("http://10.0.0.5:5005", "http://10.0.0.8:5005")
    del answers["rasa"]  # DNS away: the last known replicas stay
    clock.now += 11
    _run(replicas.refresh())
    assert replicas.urls[:2] == ("http://10.0.0.5:5005", "http://10.0.0.8:5005")


def test_one_address_keeps_the_name():
    async def resolve(host: str, port: int) -> list[str]:
        return ["10.1.2.3"]

    replicas = Replicas(["https://rasa.internal"], resolve=resolve)
    _run(replicas.refresh())
    assert replicas.urls == ("https://rasa.internal",)
