"""Learned recommendations: the model, the evaluation's split and metrics, serving with rules as fallback."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import select

from bot.models import Customer, Order, OrderItem, OrderStatus, Product, ProductVariant
from bot.recommendations import for_customer, similar_products
from bot.recs import serving
from bot.recs.baskets import ONLINE_RETAIL, Basket, orders_stamp, retail_dataset, shop_baskets
from bot.recs.evaluate import Frame, hit_and_ndcg, holdout_last, make_frame, popularity, rank
from bot.recs.model import CFModel, Params

T0 = datetime(2026, 1, 1)
SMALL = Params(factors=8, regularization=0.01, iterations=15, weighting="alpha", alpha=5.0)


def _basket(user: str, n: int, items: set[str], *, day: int = 0) -> Basket:
    return Basket(user=user, basket=f"{user}-{n}", when=T0 + timedelta(days=day), items=frozenset(items))


def _pairs() -> list[Basket]:
    """Two obvious co-purchase pairs, (a, b) and (c, d), plus some noise items bought alone."""
    baskets = []
    for i in range(40):
        pair = ("a", "b") if i % 2 == 0 else ("c", "d")
        baskets.append(_basket(f"u{i}", 0, set(pair)))
        baskets.append(_basket(f"u{i}", 1, {f"n{i % 7}"}, day=1))
    baskets.append(_basket("fan-of-a", 0, {"a"}))
    baskets.append(_basket("fan-of-c", 0, {"c"}))
    return baskets


def test_the_model_recovers_an_obvious_co_purchase_pattern():
    model = CFModel.train(_pairs(), SMALL)
    assert model.for_user("fan-of-a", exclude=["a"], limit=1) == ["b"]
    assert model.for_user("fan-of-c", exclude=["c"], limit=1) == ["d"]
    assert model.also_bought("a", limit=1) == ["b"] and model.also_bought("d", limit=1) == ["c"]
    assert "a" not in model.also_bought("a", limit=10)


def test_a_saved_model_loads_with_the_same_picks(tmp_path):
    model = CFModel.train(_pairs(), SMALL, meta={"orders_stamp": "3:9:0"})
    model.save(tmp_path / "m.npz")
    again = CFModel.load(tmp_path / "m.npz")
    assert again.params == SMALL and again.meta["orders_stamp"] == "3:9:0"
    assert again.for_user("fan-of-a", exclude=["a"], limit=5) == model.for_user("fan-of-a", exclude=["a"], limit=5)
    assert not again.knows_user("nobody") and again.for_user("nobody") == [] and again.also_bought("zz") == []


def test_hit_rate_and_ndcg_on_a_hand_computed_example():
    # relevant at ranks 2 and 4 (1-based) of 4; ideal: both at ranks 1 and 2
    hit, ndcg = hit_and_ndcg(["x", "a", "y", "b"], frozenset({"a", "b"}))
    ideal = 1 + 1 / math.log2(3)
    assert hit == 1.0 and ndcg == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / ideal)  # 0.6509
    assert hit_and_ndcg(["x", "y"], frozenset({"a"})) == (0.0, 0.0)
    assert hit_and_ndcg(["a"], frozenset({"a"})) == (1.0, 1.0)
    # only the first 10 count
    assert hit_and_ndcg([f"x{i}" for i in range(10)] + ["a"], frozenset({"a"})) == (0.0, 0.0)


def test_the_holdout_is_each_customers_last_basket_by_date_and_only_new_items_are_targets():
    baskets = [
        Basket("ann", "9", T0 + timedelta(days=1), frozenset({"old"})),  # a high id, but earlier
        Basket("ann", "2", T0 + timedelta(days=5), frozenset({"new", "old"})),  # the last by date
        Basket("ann", "5", T0 + timedelta(days=3), frozenset({"mid"})),
        Basket("bob", "1", T0, frozenset({"x"})),  # one basket only: training data, not evaluated
        Basket("cid", "3", T0, frozenset({"y"})),
        Basket("cid", "4", T0 + timedelta(days=2), frozenset({"y"})),  # repeats only
    ]
    split = holdout_last(baskets)
    assert split.targets == {"ann": frozenset({"new"})}
    assert split.only_repeats == 1
    assert sorted(b.basket for b in split.train) == ["1", "3", "5", "9"]


def test_no_method_recommends_what_the_customer_already_bought():
    baskets = [_basket("u1", 0, {"a", "b"}), _basket("u1", 1, {"c"}, day=1),
               _basket("u2", 0, {"a", "b", "c", "d"})]
    split = holdout_last(baskets)
    frame: Frame = make_frame(split, ["a", "b", "c", "d"])
    (ranked,) = rank(frame, popularity(frame))
    assert sorted(ranked) == ["c", "d"]  # a and b were bought: never ranked, even with -inf left over


def _train_on(session) -> CFModel:
    return CFModel.train(shop_baskets(session), Params(factors=16, iterations=10))


@pytest.fixture
def trained(session, monkeypatch) -> CFModel:
    model = _train_on(session)
    monkeypatch.setattr(serving, "load_model", lambda path=None: model)
    return model


def _email_of_customer_with_orders(session, model: CFModel) -> str:
    counts = Counter(b.user for b in shop_baskets(session))
    customer_id = next(u for u, _ in counts.most_common() if model.knows_user(u))
    return session.get(Customer, int(customer_id)).email


def test_a_known_customer_gets_the_models_picks_in_stock_and_not_bought(session, trained):
    email = _email_of_customer_with_orders(session, trained)
    picks = serving.personal_picks(session, email=email, limit=5)
    assert picks.source == "model" and len(picks.hits) == 5
    customer = session.scalar(select(Customer).where(Customer.email == email))
    owned = set(session.scalars(
        select(ProductVariant.product_id).join(OrderItem).join(Order)
        .where(Order.customer_id == customer.id, Order.status != OrderStatus.CANCELLED)))
    for hit in picks.hits:
        assert hit.id not in owned and hit.in_stock
    ranked = [int(i) for i in trained.for_user(str(customer.id), exclude=[str(i) for i in owned], limit=50)]
    assert [h.id for h in picks.hits] == [i for i in ranked if i in {h.id for h in picks.hits}][:5]


def test_a_cold_customer_gets_the_rules(session, trained):
    cold = Customer(email="cold-recs@example.com", first_name="Cold", last_name="Start")
    session.add(cold)
    session.flush()
    picks = serving.personal_picks(session, email=cold.email, limit=5)
    assert picks.source == "rules"
    assert [h.id for h in picks.hits] == [h.id for h in for_customer(session, email=cold.email, limit=5)]


def test_without_a_model_every_customer_gets_the_rules(session, monkeypatch):
    monkeypatch.setattr(serving, "load_model", lambda path=None: None)
    email = session.scalar(select(Customer.email).join(Order).limit(1))
    assert serving.personal_picks(session, email=email).source == "rules"


def test_also_bought_comes_from_the_model_and_an_unknown_product_from_the_rules(session, trained):
    known = next(int(t) for t in trained.item_ids)
    picks = serving.also_bought(session, product_id=known, limit=4)
    assert picks.source == "model" and len(picks.hits) == 4
    assert known not in {h.id for h in picks.hits} and all(h.in_stock for h in picks.hits)
    unknown = session.scalar(select(Product.id).where(Product.id.not_in([int(t) for t in trained.item_ids])).limit(1))
    assert unknown is not None
    fallback = serving.also_bought(session, product_id=unknown, limit=4)
    assert fallback.source == "rules"
    assert [h.id for h in fallback.hits] == [h.id for h in similar_products(session, product_id=unknown, limit=4)]


def test_the_orders_stamp_changes_with_a_new_order_and_a_cancellation(session):
    before = orders_stamp(session)
    order = session.scalar(select(Order).where(Order.status == OrderStatus.DELIVERED).limit(1))
    order.status = OrderStatus.CANCELLED
    session.flush()
    cancelled = orders_stamp(session)
    assert cancelled != before and cancelled.split(":")[:2] == before.split(":")[:2]


def test_the_model_status_for_the_console(session, trained):
    trained.meta.update({"trained_at": "2026-12-04T20:00:00+00:00", "baskets": 123, "validation_ndcg10": 0.05})
    status = serving.model_status()
    assert status.orders == 123 and status.customers == len(trained.user_ids) and status.validation_ndcg10 == 0.05


@pytest.mark.skipif(not ONLINE_RETAIL.exists(), reason=f"the UCI Online Retail data is not at {ONLINE_RETAIL}")
def test_the_online_retail_log_reads_with_the_readmes_counts():
    data = retail_dataset()
    # the README's clean-purchase filter: 397,884 rows, 4,338 customers, 2,845 with 2+ invoices
    assert "397,884 clean purchase rows, 4,338 customers, 2,845 with at least 2 purchase invoices" in data.notes[0]
    assert all(b.items and all(code[:1].isdigit() for code in b.items) for b in data.baskets)
    dates = [b.when for b in data.baskets]
    assert dates == sorted(dates) and np.datetime64(dates[0]) >= np.datetime64("2010-12-01")


@pytest.mark.parametrize("text", ["customers who bought this also bought?", "what goes well with it",
                                  "what is frequently bought together with this", "was haben andere dazu gekauft"])
def test_also_bought_questions_are_told_apart_and_keep_only_the_product_words(text):
    from bot.recommendations import about_the_product, recommendation_kind

    assert recommendation_kind(text) == "also_bought"
    assert "bought" not in about_the_product(text) and "customers" not in about_the_product(text)
    assert recommendation_kind("anything similar?") == "similar"
    assert about_the_product("what did people also buy with the trailblazer 2") == "with the trailblazer 2"


def test_the_train_command_saves_a_model_and_skips_while_the_orders_are_unchanged(shop_db, capsys):
    from bot.recs.__main__ import main
    from bot.settings import get_settings

    path = get_settings().recs_model_path
    try:
        assert main(["train", "--no-tune"]) == 0
        model = CFModel.load(path)
        assert model.params == Params() and model.meta["orders_stamp"].count(":") == 2
        assert main(["train", "--if-stale", "--no-tune"]) == 0
        assert "up to date" in capsys.readouterr().out
        assert CFModel.load(path).meta["trained_at"] == model.meta["trained_at"]
    finally:
        path.unlink(missing_ok=True)
