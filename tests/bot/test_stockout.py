"""Stock-out warnings: the SBA forecast on hand-made series, the warnings from the DB, and the backtest's math."""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal

import numpy as np
import pytest
from sqlalchemy import select

from bot.models import Customer, Order, OrderItem, OrderStatus, Product, ProductVariant, UnmetKind, UnmetSearch
from bot.stockout import croston_rate, days_of_cover, stockout_risks
from bot.stockout.backtest import Confusion, confusion, demand_backtest, stock_backtest
from bot.catalog.unmet import record_unmet_search
from bot.stockout.warnings import stock_warnings


def test_a_steady_seller_is_forecast_at_its_rate_less_the_sba_damping():
    assert croston_rate([2] * 28) == pytest.approx(2 * 0.95)
    assert croston_rate([2] * 28, sba=False) == pytest.approx(2.0)


def test_intermittent_sales_are_sizes_over_intervals():
    # 3 units every third day: size 3, interval 3 → 1 unit a day, 0.95 after SBA
    series = [0, 0, 3] * 6
    assert croston_rate(series, sba=False) == pytest.approx(1.0)
    assert croston_rate(series) == pytest.approx(0.95)
    assert croston_rate([0] * 10) == 0.0


def test_the_smoothing_follows_a_change_slowly():
    # five sales of 1, then one of 11, each 2 days apart. Start: mean size 16/6, interval 12/6 = 2;
    # the four later sales of 1 pull the size a tenth of the way to 1 each, the 11 a tenth towards 11
    series = [0, 1] * 5 + [0, 11]
    size = 16 / 6
    for sold in (1, 1, 1, 1, 11):
        size += 0.1 * (sold - size)
    assert croston_rate(series, sba=False) == pytest.approx(size / 2)


def test_days_of_cover():
    assert days_of_cover(19, 1.9) == pytest.approx(10.0)
    assert days_of_cover(0, 1.0) == 0.0
    assert math.isinf(days_of_cover(5, 0.0))


def _variant(session, *, stock: int, daily_units: int, days: int = 56) -> ProductVariant:
    product = session.scalars(select(Product).limit(1)).one()
    variant = ProductVariant(product_id=product.id, sku=f"TEST-STOCKOUT-{stock}-{daily_units}", size="T",
                             color=f"test{stock}x{daily_units}", stock=stock)
    customer = session.scalars(select(Customer).limit(1)).one()
    session.add(variant)
    session.flush()
    today = datetime.now(timezone.utc).date()
    for d in range(1, days + 1):
        order = Order(number=f"T{stock}-{daily_units}-{d}", customer_id=customer.id, email=customer.email,
                      status=OrderStatus.DELIVERED, shipping_address="x", total=Decimal(1),
                      placed_at=datetime.combine(today - timedelta(days=d), time(12), tzinfo=timezone.utc))
        order.items.append(OrderItem(variant_id=variant.id, quantity=daily_units, unit_price=Decimal(1)))
        session.add(order)
    session.flush()
    return variant


def test_a_variant_with_a_week_of_stock_is_warned_of_and_a_well_stocked_one_is_not(session):
    short = _variant(session, stock=7, daily_units=1)
    _variant(session, stock=500, daily_units=1)
    risks = {r.sku: r for r in stockout_risks(session)}
    assert short.sku in risks and "TEST-STOCKOUT-500-1" not in risks
    # one a day up to yesterday; today has no sale yet, so the first interval is 56/55 days, smoothed towards 1
    assert risks[short.sku].rate_per_day == pytest.approx(0.95, rel=1e-3)
    assert risks[short.sku].days_of_cover == pytest.approx(7 / 0.95, rel=1e-3)
    covers = [r.days_of_cover for r in risks.values()]
    assert all(c <= 14 for c in covers)


def test_unmet_out_of_stock_searches_join_the_warnings_by_product_name(session):
    short = _variant(session, stock=7, daily_units=1)
    name = session.get(Product, short.product_id).name
    session.add_all([UnmetSearch(query_text=f"is the {name} back?", normalized_query=name.lower(),
                                 kind=UnmetKind.OUT_OF_STOCK),
                     UnmetSearch(query_text="purple unicorn boots", normalized_query="purple unicorn boots",
                                 kind=UnmetKind.OUT_OF_STOCK)])
    session.flush()
    warnings = stock_warnings(session)
    ours = next(w for w in warnings if w.sku == short.sku)
    assert ours.searches_out_of_stock >= 1
    unicorn = next(w for w in warnings if w.what == "purple unicorn boots")
    assert unicorn.sku is None and unicorn.days_of_cover == 0.0
    assert [w.days_of_cover for w in warnings] == sorted(w.days_of_cover for w in warnings)


def test_precision_and_recall_from_the_confusion_counts():
    c = confusion(np.array([1, 1, 1, 0, 0, 0]), np.array([1, 1, 0, 1, 0, 0]))
    assert c == Confusion(tp=2, fp=1, fn=1, tn=2)
    assert c.precision == pytest.approx(2 / 3) and c.recall == pytest.approx(2 / 3)
    assert math.isnan(Confusion().precision) and math.isnan(Confusion().recall)
    assert c + c == Confusion(tp=4, fp=2, fn=2, tn=4)


def test_the_stock_backtest_scores_both_methods_on_a_hand_made_history():
    # a steady seller (1 a day, stock 10: sells out within 14 days), a slow one (stock 10, 1 a week),
    # and one with a burst in the last 14 days before the cut-off and nothing after (stock 5)
    days, cut = 84, 70
    sales = np.zeros((3, days))
    sales[0] = 1
    sales[1, ::7] = 1
    sales[2, 60:66] = 1
    forecast, naive, cases = stock_backtest(sales, np.array([10, 10, 5]), [cut])
    assert cases == 3
    assert forecast == Confusion(tp=1, fp=0, fn=0, tn=2)  # the burst barely moves the smoothed rate
    assert naive == Confusion(tp=1, fp=1, fn=0, tn=1)  # the last 14 days saw 6 ≥ 5: a false warning


def test_the_demand_backtest_reports_mean_absolute_errors():
    sales = np.zeros((2, 84))
    sales[0] = 2  # steady: SBA says 1.9 a day (26.6 in 14 days) against 28 sold
    sales[1, 60:66] = 1  # a burst, then nothing: naive says 6, the truth is 0
    e = demand_backtest(sales, [70])
    assert e.items == 2 and e.cutoffs == 1
    burst_sba = croston_rate(sales[1, 14:70]) * 14
    assert e.mae_sba == pytest.approx(((28 - 26.6) + burst_sba) / 2)
    assert e.mae_naive == pytest.approx((0 + 6) / 2)
    assert e.mae_mean == pytest.approx((0 + 6 / 56 * 14) / 2)


def test_a_product_asked_after_about_by_its_name_with_an_apostrophe_is_joined_to_its_warning(session):
    short = _variant(session, stock=7, daily_units=1)
    product = session.get(Product, short.product_id)
    product.name = "Levi's 501 Original Fit Jeans"
    record_unmet_search(session, text="are the levis 501 original fit jeans back?", kind=UnmetKind.OUT_OF_STOCK,
                        product_name=product.name)
    session.flush()
    ours = next(w for w in stock_warnings(session) if w.sku == short.sku)
    assert ours.searches_out_of_stock == 1


def test_an_unmatched_question_that_does_not_name_its_product_is_shown_with_the_product(session):
    record_unmet_search(session, text="is the first one in stock?", kind=UnmetKind.OUT_OF_STOCK,
                        product_name="Salomon X Ultra 4 GTX")
    record_unmet_search(session, text="purple unicorn boots", kind=UnmetKind.OUT_OF_STOCK)
    session.flush()
    shown = {w.what for w in stock_warnings(session) if w.sku is None}
    assert "salomon x ultra 4 gtx (asked: “is the first one in stock?”)" in shown
    assert "purple unicorn boots" in shown
