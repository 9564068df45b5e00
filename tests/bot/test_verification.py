from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.errors import VerificationThrottled
from bot.models import Order, OrderStatus, VerificationFailure
from bot.orders import order_view, verify_order
from bot.seed import DEMO_ORDERS


def _demo(status: str) -> dict:
    return next(d for d in DEMO_ORDERS if d["status"] == status)


def test_right_pair_returns_the_order(session):
    demo = DEMO_ORDERS[0]
    order = verify_order(session, number=demo["number"], email=demo["email"].upper(), sender_id="t-ok")
    assert order is not None and order.number == demo["number"]


def test_wrong_email_and_unknown_number_look_the_same(session):
    demo = DEMO_ORDERS[0]
    wrong_email = verify_order(session, number=demo["number"], email="someone@example.com", sender_id="t-a")
    unknown = verify_order(session, number="9999999", email=demo["email"], sender_id="t-b")
    assert wrong_email is None and unknown is None
    failures = session.scalar(select(func.count(VerificationFailure.id)))
    assert failures == 2


def test_another_customers_email_does_not_open_the_order(session):
    first, second = DEMO_ORDERS[0], DEMO_ORDERS[1]
    assert first["email"] != second["email"]
    assert verify_order(session, number=first["number"], email=second["email"], sender_id="t-c") is None


def test_repeated_failures_are_throttled_even_with_the_right_pair(session):
    demo = DEMO_ORDERS[0]
    for _ in range(5):
        assert verify_order(session, number=demo["number"], email="x@example.com", sender_id="t-throttle") is None
    with pytest.raises(VerificationThrottled):
        verify_order(session, number=demo["number"], email=demo["email"], sender_id="t-throttle")
    # Throttling is per order number too: a new conversation cannot keep guessing.
    with pytest.raises(VerificationThrottled):
        verify_order(session, number=demo["number"], email="y@example.com", sender_id="t-other")


def test_order_view_marks_late_parcels(session):
    late = _demo("shipped_late") if any(d["status"] == "shipped_late" for d in DEMO_ORDERS) else None
    orders = session.scalars(select(Order).where(Order.status == OrderStatus.SHIPPED)).all()
    today = date.today()
    for order in orders:
        view = order_view(order, today=today)
        assert view.is_late == (order.estimated_delivery < today)
        assert view.tracking_number == order.tracking_number
    if late:
        order = session.scalar(select(Order).where(Order.number == late["number"]))
        assert order_view(order, today=today).is_late


def test_order_view_items_match_the_database(session):
    demo = DEMO_ORDERS[0]
    order = session.scalar(select(Order).where(Order.number == demo["number"]))
    view = order_view(order, today=date.today() - timedelta(days=365))
    assert [i.name for i in view.items] == [i.variant.product.name for i in order.items]
    assert sum(i.unit_price * i.quantity for i in view.items) == order.total
    assert not view.is_late
