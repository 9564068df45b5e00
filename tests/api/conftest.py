from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import delete
from fastapi.testclient import TestClient

from bot.db import session_scope
from bot.models import StaffUser
from bot.settings import get_settings
from bot.staff import accounts
from bot.transcripts.store import get_tracker_engine, metadata
from tests.api.console_helpers import FAST, PASSWORD


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server(on_connection) -> Iterator[str]:
    """A TCP server on a free loopback port that hands each connection to ``on_connection``."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)
            on_connection(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP server that accepts connections and never answers (a hung Rasa)."""
    yield from _server(lambda conn: None)


@pytest.fixture
def dropping_server() -> Iterator[str]:
    """A TCP server that reads a request and closes the connection unanswered (a Rasa that died mid-turn)."""
    def drop(conn: socket.socket) -> None:
        conn.settimeout(2)
        try:
            conn.recv(65536)
        except OSError:
            pass
        conn.close()

    yield from _server(drop)


@pytest.fixture
def make_client(monkeypatch, shop_db):
    """Build a gateway client whose Rasa/action URLs are given by the test."""
    clients: list[TestClient] = []

    def build(*, rasa_url: str, action_url: str | None = None, timeout: float = 2.0) -> TestClient:
        monkeypatch.setenv("SHOP_RASA_URL", rasa_url)
        monkeypatch.setenv("SHOP_ACTION_SERVER_URL", action_url or f"http://127.0.0.1:{free_port()}")
        monkeypatch.setenv("SHOP_RASA_TIMEOUT_SECONDS", str(timeout))
        get_settings.cache_clear()
        from api.main import create_app

        client = TestClient(create_app(), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)
    get_settings.cache_clear()


# --- the staff console ----------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    # Hashing itself is tested in tests/bot/test_staff.py; here it only needs to be quick.
    monkeypatch.setattr(accounts, "password_hasher", lambda: FAST)


@pytest.fixture
def console(make_client):
    """A gateway client on https://, so the Secure cookie travels as it does in a browser."""

    def build():
        client = make_client(rasa_url=f"http://127.0.0.1:{free_port()}")
        client.base_url = httpx.URL("https://testserver")
        return client

    return build


@pytest.fixture
def client(console):
    return console()


@pytest.fixture
def staff(shop_db):
    """``staff(role)`` creates a committed account with a unique email; all are removed afterwards."""
    made: list[int] = []

    def create(role: str = "agent", name: str | None = None) -> accounts.StaffAccount:
        with session_scope() as session:
            account = accounts.create_staff(
                session, email=f"{role}-{uuid.uuid4().hex[:8]}@example.com", name=name or f"Test {role.title()}",
                role=role, password=PASSWORD, hasher=FAST,
            )
        made.append(account.id)
        return account

    yield create
    with session_scope() as session:
        session.execute(delete(StaffUser).where(StaffUser.id.in_(made)))


@pytest.fixture
def gateway(make_client, monkeypatch, tmp_path):
    """``gateway(**env)``: a gateway (``SHOP_<NAME>`` settings from ``env``) whose Rasa is a fake
    (``client.fake`` records what Rasa got and stores events as Rasa's tracker store would)."""
    from tests.api.fake_rasa import FakeRasa

    def build(**env: str):
        monkeypatch.setenv("SHOP_TRACKER_DB", str(tmp_path / "tracker.db"))
        monkeypatch.setenv("SHOP_TRACKER_URL", "")
        for name, value in env.items():
            monkeypatch.setenv(f"SHOP_{name.upper()}", value)
        client = make_client(rasa_url="http://rasa.invalid")
        get_tracker_engine.cache_clear()
        metadata.create_all(get_tracker_engine())
        client.fake = FakeRasa()
        client.fake.answer = [{"text": "Hello! How can I help?"}]
        client.app.state.rasa._http = httpx.AsyncClient(transport=httpx.MockTransport(client.fake.handle))
        return client

    yield build
    get_tracker_engine().dispose()
    get_tracker_engine.cache_clear()
