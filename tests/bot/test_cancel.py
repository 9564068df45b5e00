from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

import bot.orders.cancel as cancel_module
from bot.errors import OrderNotCancellable, OrderNotFound
from bot.models import Order, OrderStatus, OrderStatusEvent, VerificationFailure
from bot.orders.cancel import cancel_order, cancellation_check

SOFIA = "sofia.martinez@example.org"  # 100003, placed
EMMA = "emma.schmidt@example.com"  # 100001, shipped


def _order(session, number):
    return session.scalar(select(Order).where(Order.number == number))


def _events(session, number):
    order = _order(session, number)
    return session.scalars(
        select(OrderStatusEvent).where(OrderStatusEvent.order_id == order.id).order_by(OrderStatusEvent.id)
    ).all()


@pytest.mark.parametrize(("status", "cancellable", "reason"), [
    ("placed", True, None), ("paid", True, None), ("packed", True, None),
    ("shipped", False, "shipped"), ("delivered", False, "shipped"),
    ("cancelled", False, "already_closed"), ("returned", False, "already_closed"),
])
def test_cancellation_check_by_status(status, cancellable, reason):
    check = cancellation_check(SimpleNamespace(status=OrderStatus(status)))
    assert (check.cancellable, check.reason) == (cancellable, reason)


def test_cancelling_a_placed_order_records_status_and_history(session):
    before = len(_events(session, "100003"))
    view = cancel_order(session, order_number="100003", email=SOFIA.upper(), sender_id="t-cancel",
                        reason="  found it   cheaper ")
    assert view.number == "100003" and view.status == "cancelled"
    session.expire_all()
    assert _order(session, "100003").status is OrderStatus.CANCELLED
    events = _events(session, "100003")
    assert len(events) == before + 1
    assert events[-1].status is OrderStatus.CANCELLED
    assert events[-1].note == "Cancelled by customer via chat: found it cheaper"


def test_blank_reason_is_recorded_as_not_given(session):
    cancel_order(session, order_number="100003", email=SOFIA, sender_id="t-cancel", reason=" ")
    assert _events(session, "100003")[-1].note == "Cancelled by customer via chat: no reason given"


def test_shipped_order_is_refused_with_reason_shipped(session):
    before = len(_events(session, "100001"))
    with pytest.raises(OrderNotCancellable) as err:
        cancel_order(session, order_number="100001", email=EMMA, sender_id="t-cancel", reason="late")
    assert err.value.reason == "shipped"
    session.expire_all()
    assert _order(session, "100001").status is OrderStatus.SHIPPED
    assert len(_events(session, "100001")) == before


def test_cancelled_order_is_already_closed(session):
    with pytest.raises(OrderNotCancellable) as err:
        cancel_order(session, order_number="100006", email="lucas.vandijk@example.com",
                     sender_id="t-cancel", reason="again")
    assert err.value.reason == "already_closed"


def test_wrong_email_cancels_nothing_and_counts_as_a_failed_try(session):
    before = len(_events(session, "100003"))
    with pytest.raises(OrderNotFound):
        cancel_order(session, order_number="100003", email=EMMA, sender_id="t-wrong", reason="x")
    session.expire_all()
    assert _order(session, "100003").status is OrderStatus.PLACED
    assert len(_events(session, "100003")) == before
    failures = session.scalar(
        select(func.count(VerificationFailure.id)).where(VerificationFailure.sender_id == "t-wrong")
    )
    assert failures == 1


def test_order_shipped_while_we_looked_is_not_cancelled(session, monkeypatch):
    real_verify = cancel_module.verify_order

    def verify_then_ship(session, **kwargs):
        order = real_verify(session, **kwargs)
        # The warehouse ships it behind the session's back; the loaded row still says placed.
        session.execute(update(Order).where(Order.id == order.id).values(status=OrderStatus.SHIPPED)
                        .execution_options(synchronize_session=False))
        return order

    monkeypatch.setattr(cancel_module, "verify_order", verify_then_ship)
    before = len(_events(session, "100003"))
    with pytest.raises(OrderNotCancellable) as err:
        cancel_order(session, order_number="100003", email=SOFIA, sender_id="t-race", reason="x")
    assert err.value.reason == "shipped"
    session.expire_all()
    assert _order(session, "100003").status is OrderStatus.SHIPPED
    assert len(_events(session, "100003")) == before
