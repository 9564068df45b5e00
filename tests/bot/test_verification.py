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


def _fail(session, *, number, email="nobody@example.com", sender_id, source):
    assert verify_order(session, number=number, email=email, sender_id=sender_id, source=source) is None


def test_wrong_emails_from_other_senders_do_not_lock_the_owner_out(session):
    """Five wrong emails from different conversations and sources, then the owner from a clean one."""
    demo = DEMO_ORDERS[0]
    for i in range(8):
        _fail(session, number=demo["number"], email=f"guess{i}@example.com", sender_id=f"t-att-{i}", source=f"ip-att-{i}")
    owner = verify_order(session, number=demo["number"], email=demo["email"], sender_id="t-owner", source="ip-owner")
    assert owner is not None and owner.number == demo["number"]


def test_a_number_under_attack_closes_only_to_sources_that_failed_already(session):
    demo = DEMO_ORDERS[0]
    for i in range(5):
        _fail(session, number=demo["number"], sender_id=f"t-hot-{i}", source="ip-hot")
    # The attacking source, even from a fresh conversation and with the right pair, is refused.
    with pytest.raises(VerificationThrottled):
        verify_order(session, number=demo["number"], email=demo["email"], sender_id="t-hot-new", source="ip-hot")


def test_a_source_cannot_scan_numbers_with_fresh_conversations(session):
    """The scan of the review: a known email, one new sender id per try, numbers counted up."""
    demo = DEMO_ORDERS[0]
    base = int(demo["number"])
    refused = 0
    for i in range(40):
        try:
            _fail(session, number=str(base + 1000 + i), email=demo["email"], sender_id=f"t-scan-{i}", source="ip-scan")
        except VerificationThrottled:
            refused += 1
    assert refused >= 30  # at most the per-source budget of tries got through
    # The email is under attack now: a different source that failed once is refused for it too...
    _fail(session, number="9999990", email="other@example.com", sender_id="t-x", source="ip-x")
    with pytest.raises(VerificationThrottled):
        verify_order(session, number=str(base + 5000), email=demo["email"], sender_id="t-x2", source="ip-x")
    # ...while its owner, from a clean source, still gets in.
    assert verify_order(session, number=demo["number"], email=demo["email"], sender_id="t-own", source="ip-own")


def test_a_wide_attack_leaves_each_source_one_try(session, monkeypatch):
    from bot.settings import get_settings

    monkeypatch.setattr(get_settings(), "verify_max_failures_global", 20)
    for i in range(20):
        _fail(session, number=str(9_000_000 + i), email=f"w{i}@example.com", sender_id=f"t-w-{i}", source=f"ip-w-{i}")
    _fail(session, number="9100000", sender_id="t-w-new", source="ip-w-new")  # a clean source: one try
    with pytest.raises(VerificationThrottled):
        verify_order(session, number="9100001", email="a@example.com", sender_id="t-w-new2", source="ip-w-new")
    demo = DEMO_ORDERS[0]
    assert verify_order(session, number=demo["number"], email=demo["email"], sender_id="t-w-own", source="ip-w-own")


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
