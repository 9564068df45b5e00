"""scripts/scaled.py (`make run-scaled`): the settings it hands each process. The processes
themselves, broken under load: tests/e2e/test_scale_out.py."""

from __future__ import annotations

import re
from pathlib import Path

from scripts.scaled import ROOT, Topology


def _topology(**kwargs) -> Topology:
    return Topology(workdir=Path("/tmp/unused"), rasa=3, actions=2, rasa_port=6100, action_port=6200, **kwargs)


def test_every_variable_endpoints_scaled_names_is_set():
    names = set(re.findall(r"\$\{(\w+)\}", (ROOT / "endpoints.scaled.yml").read_text()))
    env = _topology().env()
    assert names and names <= set(env), names - set(env)


def test_the_gateway_gets_every_replica_and_rasa_every_action_server():
    env = _topology().env()
    assert env["SHOP_RASA_URL"] == "http://127.0.0.1:6100,http://127.0.0.1:6101,http://127.0.0.1:6102"
    assert env["SHOP_ACTION_ENDPOINT_URL"] == "http://127.0.0.1:6200/webhook,http://127.0.0.1:6201/webhook"
    assert env["SHOP_RATE_LIMIT_STORAGE"] == env["SHOP_REDIS_URL"]  # rate limits shared by the workers


def test_store_addresses_and_passwords_come_from_their_urls():
    env = _topology(redis_url="redis://:s%40cret@cache:6380/2", amqp_url="amqp://bot:pw@mq:5673/%2F",
                    pg_server="postgresql+psycopg://shop:pg%3Apw@db:5433").env()
    assert (env["SHOP_LOCK_REDIS_HOST"], env["SHOP_LOCK_REDIS_PORT"], env["SHOP_LOCK_REDIS_DB"],
            env["SHOP_LOCK_REDIS_PASSWORD"]) == ("cache", "6380", "2", "s@cret")
    assert (env["SHOP_AMQP_HOST"], env["SHOP_AMQP_PORT"], env["SHOP_AMQP_USER"], env["SHOP_AMQP_PASSWORD"]) == \
        ("mq", "5673", "bot", "pw")
    assert (env["SHOP_TRACKER_PG_HOST"], env["SHOP_TRACKER_PG_PORT"], env["SHOP_TRACKER_PG_USER"],
            env["SHOP_TRACKER_PG_PASSWORD"]) == ("db", "5433", "shop", "pg:pw")


def test_only_make_run_scaled_keeps_the_callers_settings(monkeypatch):
    monkeypatch.setenv("SHOP_SUPPORT_HOURS", "Mon-Sun 00:00-24:00")
    assert "SHOP_SUPPORT_HOURS" not in _topology().env()
    assert _topology(inherit_settings=True).env()["SHOP_SUPPORT_HOURS"] == "Mon-Sun 00:00-24:00"
