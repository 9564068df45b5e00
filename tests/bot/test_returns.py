import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bot.errors import OrderNotFound, ReturnNotAllowed
from bot.models import (
    Category,
    Customer,
    Order,
    OrderItem,
    OrderStatus,
    Product,
    ProductVariant,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
)
from bot.returns import create_return, match_item, parse_reason, return_eligibility
from bot.returns.service import new_reference

JAMES = "james.okafor@example.com"  # 100002, delivered 5 days ago
CHLOE = "chloe.dubois@example.net"  # 100005, delivered 60 days ago


def _order(session, number):
    return session.scalar(select(Order).where(Order.number == number))


def _requests(session, order):
    return session.scalars(select(ReturnRequest).where(ReturnRequest.order_id == order.id)).all()


def _delivered_order(session, product_filter, *, quantity=1, days_ago=3):
    """A fresh delivered order of James's for the first product matching ``product_filter``."""
    variant = session.scalar(
        select(ProductVariant).join(Product).join(Category).where(product_filter)
        .order_by(ProductVariant.id).limit(1)
    )
    customer = session.scalar(select(Customer).where(Customer.email == JAMES))
    delivered = datetime.now(timezone.utc) - timedelta(days=days_ago)
    order = Order(
        number="990001", customer_id=customer.id, email=JAMES, status=OrderStatus.DELIVERED,
        placed_at=delivered - timedelta(days=4), total=Decimal("10.00") * quantity,
        shipping_address="1 Test Street", delivered_at=delivered,
        items=[OrderItem(variant_id=variant.id, quantity=quantity, unit_price=Decimal("10.00"))],
    )
    session.add(order)
    session.flush()
    return order


def test_eligibility_of_a_recent_delivery_lists_items(session):
    order = _order(session, "100002")
    result = return_eligibility(session, order=order)
    assert result.eligible and result.reason is None
    assert result.return_by == order.delivered_at.date() + timedelta(days=30)
    item = order.items[0]
    first = result.items[0]
    assert (first.index, first.name, first.size, first.color, first.quantity) == (
        1, item.variant.product.name, item.variant.size, item.variant.color, item.quantity)
    assert first.eligible and first.returnable_quantity == item.quantity


def test_return_is_recorded_with_a_reference(session):
    order = _order(session, "100002")
    view = create_return(session, order_number="100002", email=JAMES, sender_id="t-ret",
                         item_index=1, reason="The sleeves are too small for me")
    assert re.fullmatch(r"RMA-[A-HJ-NP-Z2-9]{6}", view.reference)
    rows = _requests(session, order)
    assert len(rows) == 1
    row = rows[0]
    assert row.reference == view.reference
    assert row.order_item_id == order.items[0].id
    assert row.quantity == order.items[0].quantity == view.quantity
    assert row.reason is ReturnReason.TOO_SMALL and view.reason == "too_small"
    assert row.reason_text == "The sleeves are too small for me"
    assert row.status is ReturnStatus.REQUESTED and row.sender_id == "t-ret"
    session.expire_all()
    assert _order(session, "100002").status is OrderStatus.DELIVERED


def test_the_same_item_cannot_be_returned_twice(session):
    create_return(session, order_number="100002", email=JAMES, sender_id="t-ret", item_index=1,
                  reason="changed my mind")
    with pytest.raises(ReturnNotAllowed) as err:
        create_return(session, order_number="100002", email=JAMES, sender_id="t-ret", item_index=1,
                      reason="changed my mind")
    assert err.value.reason == "already_requested"
    assert len(_requests(session, _order(session, "100002"))) == 1
    result = return_eligibility(session, order=_order(session, "100002"))
    assert result.reason == "nothing_returnable"
    assert result.items[0].reason == "already_requested" and result.items[0].returnable_quantity == 0


def test_a_rejected_request_does_not_block_a_new_one(session):
    create_return(session, order_number="100002", email=JAMES, sender_id="t-ret", item_index=1, reason="x")
    row = _requests(session, _order(session, "100002"))[0]
    row.status = ReturnStatus.REJECTED
    session.flush()
    create_return(session, order_number="100002", email=JAMES, sender_id="t-ret", item_index=1, reason="x")
    assert len(_requests(session, _order(session, "100002"))) == 2


def test_partial_quantities_add_up_to_what_was_ordered(session):
    order = _delivered_order(session, Category.slug == "t-shirts", quantity=3)
    create_return(session, order_number=order.number, email=JAMES, sender_id="t", item_index=1,
                  reason="too big", quantity=2)
    with pytest.raises(ReturnNotAllowed) as err:
        create_return(session, order_number=order.number, email=JAMES, sender_id="t", item_index=1,
                      reason="too big", quantity=2)
    assert err.value.reason == "quantity"
    last = create_return(session, order_number=order.number, email=JAMES, sender_id="t", item_index=1,
                         reason="too big")
    assert last.quantity == 1
    assert sum(r.quantity for r in _requests(session, order)) == 3


def test_delivery_60_days_ago_is_outside_the_window(session):
    order = _order(session, "100005")
    result = return_eligibility(session, order=order)
    assert not result.eligible and result.reason == "window_closed"
    assert all(not i.eligible for i in result.items)
    with pytest.raises(ReturnNotAllowed) as err:
        create_return(session, order_number="100005", email=CHLOE, sender_id="t", item_index=1, reason="broken")
    assert err.value.reason == "window_closed"
    assert _requests(session, order) == []


def test_window_includes_its_last_day(session):
    order = _order(session, "100002")
    last_day = return_eligibility(session, order=order).return_by
    end_of_last_day = datetime.combine(last_day, datetime.max.time(), tzinfo=timezone.utc)
    assert return_eligibility(session, order=order, now=end_of_last_day).eligible
    after = return_eligibility(session, order=order, now=end_of_last_day + timedelta(seconds=1))
    assert after.reason == "window_closed"


@pytest.mark.parametrize(("number", "email", "reason"), [
    ("100003", "sofia.martinez@example.org", "not_delivered"),
    ("100001", "emma.schmidt@example.com", "not_delivered"),
    ("100006", "lucas.vandijk@example.com", "not_delivered"),
])
def test_undelivered_orders_cannot_be_returned(session, number, email, reason):
    with pytest.raises(ReturnNotAllowed) as err:
        create_return(session, order_number=number, email=email, sender_id="t", item_index=1, reason="x")
    assert err.value.reason == reason


def test_returned_order_says_so(session):
    order = session.scalar(select(Order).where(Order.status == OrderStatus.RETURNED).limit(1))
    assert return_eligibility(session, order=order).reason == "already_returned"


def test_wrong_email_or_item_records_nothing(session):
    with pytest.raises(OrderNotFound):
        create_return(session, order_number="100002", email=CHLOE, sender_id="t", item_index=1, reason="x")
    with pytest.raises(ReturnNotAllowed) as err:
        create_return(session, order_number="100002", email=JAMES, sender_id="t", item_index=2, reason="x")
    assert err.value.reason == "no_such_item"
    assert session.scalar(select(func.count(ReturnRequest.id))) == 0


def test_earbuds_are_returnable_only_when_faulty(session):
    order = _delivered_order(session, (Category.slug == "headphones") & Product.name.ilike("%earbuds%"))
    result = return_eligibility(session, order=order)
    assert result.reason == "faulty_only" and result.items[0].reason == "hygiene"
    with pytest.raises(ReturnNotAllowed) as err:
        create_return(session, order_number=order.number, email=JAMES, sender_id="t", item_index=1,
                      reason="changed my mind")
    assert err.value.reason == "hygiene"
    view = create_return(session, order_number=order.number, email=JAMES, sender_id="t", item_index=1,
                         reason="the left one stopped working")
    assert view.reason == "damaged"


def test_over_ear_headphones_are_returnable(session):
    order = _delivered_order(session, (Category.slug == "headphones") & Product.attributes.contains('"over-ear"')
                             & ~Product.name.ilike("%earbud%"))
    assert return_eligibility(session, order=order).items[0].eligible


def test_references_are_unique_and_well_formed(session):
    refs = {new_reference(session) for _ in range(300)}
    assert len(refs) == 300
    assert all(re.fullmatch(r"RMA-[A-HJ-NP-Z2-9]{6}", r) for r in refs)


@pytest.mark.parametrize(("text", "code"), [
    ("too small", "too_small"),
    ("It's way too tight around the chest", "too_small"),
    ("runs big, I need a smaller size", "too_large"),
    ("The zip is broken", "damaged"),
    ("arrived damaged", "damaged"),
    ("it doesnt work", "damaged"),
    ("you sent the wrong item", "not_as_described"),
    ("colour looks different from the photos", "not_as_described"),
    ("I changed my mind", "changed_mind"),
    ("don\u2019t need it anymore", "changed_mind"),
    ("doesn't fit", "other"),
    ("", "other"),
    ("too_large", "too_large"),
    ("torn and too small", "damaged"),
])
def test_reason_keywords(text, code):
    assert parse_reason(text).value == code


@pytest.mark.parametrize("text, position", [
    ("2", 1), ("#1", 0), ("item 2", 1), ("the second one", 1), ("last", 1),
    ("the hoodie", 1), ("trail runner", 0), ("3", None), ("a sofa", None), ("", None),
])
def test_match_item_by_number_or_name(text, position):
    labels = ["Trail Runner 2 (42, black)", "Merino Hoodie (M, navy)"]
    assert match_item(text, labels) == position


def test_match_item_leaves_two_items_of_the_same_name_to_their_numbers():
    labels = ["Merino Hoodie (M, navy)", "Merino Hoodie (L, navy)"]
    assert match_item("merino hoodie", labels) is None
    assert match_item("2", labels) == 1
