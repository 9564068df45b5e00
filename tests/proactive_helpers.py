"""Helpers of the proactive-message tests: a sold-out product, a fake tracker store, a dispatcher round."""

from __future__ import annotations

import asyncio
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

import bot.proactive.dispatch as dispatch_module
from bot.db import make_engine
from bot.models import Product, ProductVariant
from bot.proactive.dispatch import DispatchReport, dispatch_once
from bot.proactive.mailer import SmtpConfig
from bot.transcripts.store import events, metadata


def sold_out_product(session: Session, *, last: bool = False) -> Product:
    """A product of the test shop (the first, or the last) with every variant's stock set to 0."""
    order = Product.id.desc() if last else Product.id
    product = session.scalars(select(Product).join(ProductVariant).order_by(order).limit(1)).first()
    for variant in session.scalars(select(ProductVariant).where(ProductVariant.product_id == product.id)):
        variant.stock = 0
    session.flush()
    return product


def restock(session: Session, product: Product, units: int = 5) -> None:
    variant = session.scalars(select(ProductVariant).where(ProductVariant.product_id == product.id)).first()
    variant.stock = units
    session.flush()


def tracker_engine(tmp_path: Path) -> Engine:
    """A tracker store with Rasa's events table, in the test's own directory."""
    engine = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    metadata.create_all(engine)
    return engine


class FakeRasa:
    """Appends widget events to the tracker store, as Rasa's /tracker/events does; remembers each call."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def __call__(self, sender_id: str, event: dict[str, Any]) -> None:
        self.calls.append((sender_id, event))
        with self.engine.begin() as conn:
            conn.execute(insert(events).values(sender_id=sender_id, type_name="bot", timestamp=0.0,
                                               data=json.dumps(event)))

    def bot_texts(self, sender_id: str) -> list[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(events.c.data).where(events.c.sender_id == sender_id,
                                                            events.c.type_name == "bot")).scalars()
            return [json.loads(r)["text"] for r in rows]


@contextmanager
def dispatcher_uses(session: Session, monkeypatch):
    """The dispatcher's units of work run in the test's rolled-back session."""
    @contextmanager
    def scope():
        yield session
        session.flush()

    monkeypatch.setattr(dispatch_module, "session_scope", scope)
    yield


def run_round(rasa: FakeRasa, smtp: SmtpConfig | None = None) -> DispatchReport:
    return asyncio.run(dispatch_once(widget=rasa, smtp=smtp, tracker=rasa.engine))
