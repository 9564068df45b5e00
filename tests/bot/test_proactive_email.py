"""Proactive emails through a real SMTP server (aiosmtpd on a spare port), and migration 0014."""

from __future__ import annotations

import email
import logging
import socket
from collections.abc import Iterator
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from bot.db import make_engine
from bot.models import Base, Channel, OutboxStatus, ProactiveOutbox
from bot.proactive import confirm, watch_back_in_stock
from bot.proactive.mailer import SmtpConfig
from bot.proactive.tokens import verify
from tests.migrations import migrated, model_differences
from tests.proactive_helpers import FakeRasa, dispatcher_uses, restock, run_round, sold_out_product, tracker_engine


class Sink:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 OK"


def _spare_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_sink() -> Iterator[tuple[Sink, SmtpConfig]]:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-connection lines
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_spare_port())
    controller.start()
    try:
        yield sink, SmtpConfig(host="127.0.0.1", port=controller.port, sender="shop@shop.test")
    finally:
        controller.stop()


def _link(body: str, path: str) -> str:
    start = body.index(path)
    return body[start:].split()[0]


def test_confirmation_then_one_restock_mail_only_to_the_consented_address(session, tmp_path, monkeypatch, smtp_sink):
    sink, smtp = smtp_sink
    product = sold_out_product(session)
    consent = watch_back_in_stock(session, sender_id="conv-mail", product_id=product.id, channel=Channel.EMAIL,
                                  email="anna@example.com")
    rasa = FakeRasa(tracker_engine(tmp_path))
    with dispatcher_uses(session, monkeypatch):
        assert run_round(rasa, smtp).sent == 1
        [(to, confirmation)] = sink.messages
        assert to == ["anna@example.com"] and confirmation["Subject"].startswith("Please confirm")
        token = _link(confirmation.get_payload(decode=True).decode(), "/proactive/confirm?t=").split("t=", 1)[1]
        assert verify(token, "confirm") == consent.id
        restock(session, product)
        assert run_round(rasa, smtp).sent == 0  # not confirmed: the restock is not mailed
        assert confirm(session, consent_id=consent.id)
        assert run_round(rasa, smtp).sent == 1
        assert run_round(rasa, smtp).sent == 0  # once
    # an email consent writes no message into a chat, only the transcript's note of each email sent
    notes = rasa.bot_texts("conv-mail")
    assert len(notes) == 2 and notes[0].startswith("(Email sent: \u201cPlease confirm")
    assert all("anna@example.com" not in n for n in notes)
    assert [event["metadata"]["sender"] for _, event in rasa.calls] == ["system", "system"]
    assert [to for to, _ in sink.messages] == [["anna@example.com"], ["anna@example.com"]]
    mail = sink.messages[1][1]
    body = mail.get_payload(decode=True).decode()
    assert product.name in mail["Subject"] and product.name in body
    assert mail["List-Unsubscribe"].strip().startswith("<http://shop.test/proactive/unsubscribe?t=")
    assert verify(_link(body, "/proactive/unsubscribe?t=").split("t=", 1)[1], "unsubscribe") == consent.id


def test_a_refused_mail_goes_back_to_the_queue(session, tmp_path, monkeypatch):
    product = sold_out_product(session)
    watch_back_in_stock(session, sender_id="conv-down", product_id=product.id, channel=Channel.EMAIL,
                        email="emma@example.com", verified_email="emma@example.com")
    restock(session, product)
    rasa = FakeRasa(tracker_engine(tmp_path))
    closed = SmtpConfig(host="127.0.0.1", port=_spare_port(), timeout=2)  # nobody listens there
    with dispatcher_uses(session, monkeypatch):
        report = run_round(rasa, closed)
    assert (report.sent, report.failed) == (0, 1)
    [row] = session.scalars(select(ProactiveOutbox)).all()
    assert row.status == OutboxStatus.PENDING.value and row.attempts == 1 and row.error


def test_migration_0014_matches_the_models_and_goes_down_and_up(tmp_path):
    with migrated(tmp_path, "0014") as (cfg, engine):
        assert model_differences(engine, "proactive") == []
        command.downgrade(cfg, "0013")
        with engine.connect() as conn:
            assert not {"proactive_consents", "proactive_outbox"} & set(inspect(conn).get_table_names())
        command.upgrade(cfg, "head")


@pytest.mark.postgres
def test_on_postgresql_the_migration_matches_and_a_restock_is_queued_and_claimed_once():
    from sqlalchemy.orm import Session

    from bot.proactive.outbox import claim_due
    from bot.proactive.triggers import enqueue_due
    from tests.conftest import seed_database
    from tests.postgres import fresh_postgres_database

    with fresh_postgres_database() as url:
        seed_database(url, products=30, customers=10, orders=40)
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                assert [d for d in compare_metadata(context, Base.metadata) if "proactive" in repr(d)] == []
            with Session(engine) as session:
                product = sold_out_product(session)
                watch_back_in_stock(session, sender_id="pg-conv", product_id=product.id, channel=Channel.WIDGET)
                restock(session, product)
                assert enqueue_due(session) == 1 and enqueue_due(session) == 0
                session.commit()
            with Session(engine) as first, Session(engine) as second:
                assert len(claim_due(first)) == 1
                first.commit()
                assert claim_due(second) == []
        finally:
            engine.dispose()
