"""Proactive messages through the gateway: the dispatcher's widget message lands in the transcript
(read as the widget reads it) and wakes the open widget; the email links; the console page."""

from __future__ import annotations

import asyncio
import html
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select

from api.proactive import run_dispatcher_once
from bot.db import session_scope
from bot.models import (
    Channel,
    ConsentStatus,
    Order,
    OrderStatus,
    OrderStatusEvent,
    ProactiveConsent,
    ProactiveOutbox,
    ProductVariant,
)
from bot.proactive import watch_back_in_stock, watch_order
from bot.proactive.tokens import sign
from bot.transcripts.chat import chat_messages
from bot.transcripts.store import get_tracker_engine
from tests.api.console_helpers import logged_in
from tests.proactive_helpers import sold_out_product


@pytest.fixture
def cleanup(shop_db):
    """Consents made by the test, and any change to an order's status, are undone afterwards."""
    senders: list[str] = []
    orders: list[tuple[int, OrderStatus]] = []
    variants: list[tuple[int, int]] = []
    yield senders, orders, variants
    with session_scope() as session:
        ids = list(session.scalars(select(ProactiveConsent.id).where(ProactiveConsent.sender_id.in_(senders))))
        session.execute(delete(ProactiveOutbox).where(ProactiveOutbox.consent_id.in_(ids)))
        session.execute(delete(ProactiveConsent).where(ProactiveConsent.id.in_(ids)))
        for order_id, status in orders:
            session.execute(delete(OrderStatusEvent).where(OrderStatusEvent.order_id == order_id,
                                                           OrderStatusEvent.note == "proactive test"))
            session.get(Order, order_id).status = status
        # A variant recorded twice (two consents on the same product) gets its first, original stock.
        for variant_id, stock in reversed(variants):
            session.get(ProductVariant, variant_id).stock = stock


def test_an_order_update_lands_in_the_transcript_and_wakes_the_open_widget(gateway, cleanup):
    senders, orders, _ = cleanup
    client = gateway()
    sender = f"proactive-{uuid.uuid4().hex}"
    senders.append(sender)
    with session_scope() as session:
        order = session.scalars(select(Order).where(Order.status == OrderStatus.PACKED).order_by(Order.id.desc())).first()
        orders.append((order.id, order.status))
        watch_order(session, sender_id=sender, order_number=order.number,
                    now=datetime.now(timezone.utc) - timedelta(seconds=5))
        order.status = OrderStatus.SHIPPED
        session.add(OrderStatusEvent(order_id=order.id, status=OrderStatus.SHIPPED, at=datetime.now(timezone.utc),
                                     note="proactive test"))
        number = order.number

    async def open_widget_sees_it():
        with client.app.state.hub.subscribe(sender) as queue:
            report = await run_dispatcher_once(client.app)
            frame = await asyncio.wait_for(queue.get(), timeout=5)
        return report, frame

    report, frame = client.portal.call(open_widget_sees_it)
    assert report.sent >= 1 and frame["type"] == "wake"
    with get_tracker_engine().connect() as conn:
        messages = chat_messages(conn, sender_id=sender)
    assert [m.sender for m in messages] == ["bot"]
    assert f"order {number}" in messages[0].text and "shipped" in messages[0].text
    # appended through Rasa's token-protected tracker API, to this conversation only
    assert [s for s, _ in client.fake.appended] == [sender]
    # a second round sends nothing more
    assert client.portal.call(run_dispatcher_once, client.app).sent == 0
    with get_tracker_engine().connect() as conn:
        assert len(chat_messages(conn, sender_id=sender)) == 1


def _consent(cleanup, **kwargs) -> tuple[int, int]:
    senders, _, variants = cleanup
    sender = f"proactive-{uuid.uuid4().hex}"
    senders.append(sender)
    with session_scope() as session:
        # The shop's last product (other tests read the first ones); committed, so put back afterwards.
        first = session.scalars(select(ProductVariant).order_by(ProductVariant.product_id.desc()).limit(1)).first()
        variants.extend(session.execute(select(ProductVariant.id, ProductVariant.stock)
                                        .where(ProductVariant.product_id == first.product_id)).tuples())
        product = sold_out_product(session, last=True)
        consent = watch_back_in_stock(session, sender_id=sender, product_id=product.id, **kwargs)
        return consent.id, product.id


def test_unsubscribe_link_works_without_login_for_its_consent_only(gateway, cleanup):
    client = gateway()
    mine, _ = _consent(cleanup, channel=Channel.WIDGET)
    other, _ = _consent(cleanup, channel=Channel.WIDGET)
    token = sign(mine, "unsubscribe")
    page = client.get("/proactive/unsubscribe", params={"t": token})
    assert page.status_code == 200 and "Unsubscribe" in page.text
    with session_scope() as session:
        assert session.get(ProactiveConsent, mine).status == ConsentStatus.ACTIVE.value  # a GET changes nothing
    assert client.post("/proactive/unsubscribe", data={"t": token}).status_code == 200
    assert client.post("/proactive/unsubscribe", data={"t": sign(mine, "confirm")}).status_code == 404
    assert client.post("/proactive/unsubscribe", data={"t": f"{other}.{token.split('.')[1]}"}).status_code == 404
    with session_scope() as session:
        assert session.get(ProactiveConsent, mine).status == ConsentStatus.WITHDRAWN.value
        assert session.get(ProactiveConsent, other).status == ConsentStatus.ACTIVE.value


def test_confirm_link_activates_a_pending_email_consent(gateway, cleanup):
    client = gateway()
    consent_id, _ = _consent(cleanup, channel=Channel.EMAIL, email=f"{uuid.uuid4().hex[:8]}@example.com")
    token = sign(consent_id, "confirm")
    assert client.get("/proactive/confirm", params={"t": token}).status_code == 200
    with session_scope() as session:
        assert session.get(ProactiveConsent, consent_id).status == ConsentStatus.PENDING.value
    assert "Confirmed" in client.post("/proactive/confirm", data={"t": token}).text
    with session_scope() as session:
        assert session.get(ProactiveConsent, consent_id).status == ConsentStatus.ACTIVE.value


def test_a_click_is_counted_once_and_redirects_only_to_the_stored_link(gateway, cleanup):
    client = gateway()
    consent_id, _ = _consent(cleanup, channel=Channel.WIDGET)
    with session_scope() as session:
        session.add(ProactiveOutbox(dedupe_key=f"test:{consent_id}", consent_id=consent_id, kind="back_in_stock",
                                    channel="widget", status="sent", token=uuid.uuid4().hex, body="x",
                                    link="http://shop.test/products/x", attempts=1, error="", subject=""))
        token = session.scalars(select(ProactiveOutbox.token).where(ProactiveOutbox.consent_id == consent_id)).one()
    response = client.get(f"/proactive/c/{token}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "http://shop.test/products/x"
    assert client.get("/proactive/c/unknown", follow_redirects=False).status_code == 404
    with session_scope() as session:
        assert session.scalars(select(ProactiveOutbox.clicked_at).where(ProactiveOutbox.token == token)).one()


def test_the_console_page_needs_a_login(client):
    response = client.get("/console/analytics/proactive", follow_redirects=False)
    assert response.status_code in (302, 303, 401)
    assert 'id="table-proactive"' not in response.text


def test_the_console_page_shows_sent_and_clicked_counts(client, staff, cleanup):
    consent_id, _ = _consent(cleanup, channel=Channel.WIDGET)
    with session_scope() as session:
        session.add(ProactiveOutbox(dedupe_key=f"test-console:{consent_id}", consent_id=consent_id,
                                    kind="back_in_stock", channel="widget", status="sent", token=uuid.uuid4().hex,
                                    body="x", link="", attempts=1, error="", subject="",
                                    clicked_at=datetime.now(timezone.utc)))
    logged_in(client, staff("agent"))
    page = client.get("/console/analytics/proactive")
    assert page.status_code == 200 and "style=" not in page.text
    row = re.search(r'<tr data-kind="back_in_stock" data-channel="widget">(.*?)</tr>', page.text, re.S).group(1)
    sent = int(html.unescape(re.search(r'<td class="sent">(\d+)</td>', row).group(1)))
    clicked = int(re.search(r'<td class="clicked">(\d+)</td>', row).group(1))
    assert sent >= 1 and clicked >= 1
