"""Learned recommendations over HTTP: a verified customer's picks come from the model, checked against the DB."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from bot.models import Customer, Order, OrderItem, OrderStatus, ProductVariant
from bot.recs.baskets import shop_baskets
from bot.recs.model import CFModel, Params
from bot.recs.serving import model_picks
from bot.seed import DEMO_ORDERS

pytestmark = pytest.mark.e2e


@pytest.fixture
def model(stack, db):
    """A model of the stack's orders where its action server reads it; removed afterwards, so the
    other tests meet the rules as before."""
    path = stack.workdir / "recs" / "model.npz"
    trained = CFModel.train(shop_baskets(db), Params(factors=16, iterations=10))
    trained.save(path)  # the action server loads it on its next request (and reloads when it changes)
    yield trained
    path.unlink(missing_ok=True)


def test_a_verified_customer_gets_the_models_picks_in_stock(stack, db, model):
    demo = DEMO_ORDERS[1]
    customer = db.scalar(select(Customer).where(Customer.email == demo["email"]))
    assert model.knows_user(str(customer.id))
    sender = f"e2e-{uuid.uuid4().hex[:12]}"
    assert "order number" in stack.say(sender, "where is my order?").lower()
    stack.say(sender, demo["number"])
    assert f"#{demo['number']}" in stack.say(sender, demo["email"])
    response = stack.chat(sender, "what would you recommend for me")
    assert response.status_code == 200
    first = response.json()["messages"][0]
    assert "based on what you've ordered before" in first["text"], first["text"]
    ids = [card["id"] for card in first["custom"]["products"]]
    assert ids == [h.id for h in model_picks(db, email=demo["email"], limit=5, model=model)]
    owned = set(db.scalars(select(ProductVariant.product_id).join(OrderItem).join(Order).where(
        Order.customer_id == customer.id, Order.status != OrderStatus.CANCELLED)))
    for product_id in ids:
        assert product_id not in owned
        assert db.scalar(select(func.sum(ProductVariant.stock)).where(ProductVariant.product_id == product_id)) > 0
