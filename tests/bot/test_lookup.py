from sqlalchemy import func, select

from bot.models import Customer, Order
from bot.orders.lookup import is_customer_order, orders_for_customer
from bot.seed import DEMO_ORDERS


def test_demo_customer_sees_their_one_order(session):
    views = orders_for_customer(session, email="James.Okafor@example.com ")
    assert [v.number for v in views] == ["100002"]
    assert views[0].status == "delivered" and views[0].items


def test_loyal_customer_gets_every_order_newest_first(session):
    customer_id = session.scalar(
        select(Order.customer_id).group_by(Order.customer_id).order_by(func.count().desc()).limit(1)
    )
    customer = session.get(Customer, customer_id)
    expected = session.execute(
        select(Order.number, Order.placed_at).where(Order.customer_id == customer_id)
    ).all()
    assert len(expected) > 5
    views = orders_for_customer(session, email=customer.email, limit=1000)
    assert [v.number for v in views] == [n for n, _ in sorted(expected, key=lambda r: (r[1], int(r[0])), reverse=True)]
    placed = [v.placed_at for v in views]
    assert placed == sorted(placed, reverse=True)
    assert len(orders_for_customer(session, email=customer.email, limit=3)) == 3


def test_only_orders_placed_with_that_email_are_listed(session):
    order = session.scalar(select(Order).where(Order.number == "100002"))
    order.email = "someone.else@example.com"
    session.flush()
    assert orders_for_customer(session, email="james.okafor@example.com") == []


def test_unknown_email_lists_nothing(session):
    assert orders_for_customer(session, email="nobody@example.com") == []


def test_is_customer_order_only_for_the_orders_own_email(session):
    demo = DEMO_ORDERS[0]
    assert is_customer_order(session, email=demo["email"].upper(), number=demo["number"])
    assert not is_customer_order(session, email=DEMO_ORDERS[1]["email"], number=demo["number"])
    assert not is_customer_order(session, email=demo["email"], number="9999999")
