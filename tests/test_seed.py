"""Tests of the deterministic demo-shop seed (``bot.seed``)."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, selectinload

from bot.db import make_engine
from bot.models import (
    ORDER_STATUSES,
    Base,
    Brand,
    Category,
    Customer,
    Order,
    OrderItem,
    OrderStatus,
    OrderStatusEvent,
    Product,
    ProductVariant,
)
from bot.seed import DEMO_ORDERS, SeedReport, seed_shop
from bot.seed.__main__ import main
from bot.seed.demo import DEMO_CUSTOMERS
from bot.seed.timeline import CARRIERS
from bot.seed.vocabulary import (
    BRANDS_BY_CATEGORY,
    CATEGORIES,
    COLORS,
    PRODUCT_KINDS,
    SIZES,
)

TODAY = date(2025, 3, 10)
CUTOFF = datetime.combine(TODAY, time())
SIZE = {"products": 150, "customers": 80, "orders": 1200}
SMALL = {"products": 40, "customers": 20, "orders": 150}

FLOW = ["placed", "paid", "packed", "shipped", "delivered", "returned"]
TRACKING_FORMATS = {
    "UPS": r"1Z[A-Z0-9]{6}\d{10}",
    "FedEx": r"\d{12}",
    "DHL": r"JD\d{18}",
    "USPS": r"9400\d{18}",
    "Royal Mail": r"[A-Z]{2}\d{9}GB",
    "DPD": r"\d{14}",
}


def _seeded_engine(path: Path, seed: int = 42, **size: int) -> tuple[Engine, SeedReport]:
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        report = seed_shop(session, seed=seed, today=TODAY, **size)
        session.commit()
    return engine, report


def _naive(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; compare everything as naive UTC.
    return value.replace(tzinfo=None)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, SeedReport]:
    engine, report = _seeded_engine(tmp_path_factory.mktemp("shop") / "shop.db", **SIZE)
    yield engine, report
    engine.dispose()


@pytest.fixture()
def session(shop: tuple[Engine, SeedReport]) -> Session:
    with Session(shop[0]) as s:
        yield s


@pytest.fixture(scope="module")
def orders(shop: tuple[Engine, SeedReport]) -> list[Order]:
    with Session(shop[0], expire_on_commit=False) as s:
        return list(s.scalars(
            select(Order)
            .options(selectinload(Order.items).selectinload(OrderItem.variant)
                     .selectinload(ProductVariant.product),
                     selectinload(Order.history), selectinload(Order.customer))
            .order_by(Order.id)
        ))


def _snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Everything a determinism check compares."""
    with Session(engine) as s:
        return {
            "products": s.execute(select(Product.sku, Product.name, Product.price,
                                         Product.description, Product.attributes)
                                  .order_by(Product.id)).all(),
            "variants": s.execute(select(ProductVariant.sku, ProductVariant.stock)
                                  .order_by(ProductVariant.id)).all(),
            "customers": s.execute(select(Customer.email, Customer.country)
                                   .order_by(Customer.id)).all(),
            "orders": s.execute(select(Order.number, Order.email, Order.status, Order.total,
                                       Order.placed_at, Order.tracking_number)
                                .order_by(Order.id)).all(),
            "events": s.execute(select(OrderStatusEvent.order_id, OrderStatusEvent.status,
                                       OrderStatusEvent.at)
                                .order_by(OrderStatusEvent.id)).all(),
        }


# --- vocabulary -------------------------------------------------------------


def test_vocabulary_is_consistent() -> None:
    slugs = [c["slug"] for c in CATEGORIES]
    assert slugs == ["running-shoes", "sneakers", "boots", "t-shirts", "hoodies", "jackets",
                     "jeans", "backpacks", "watches", "headphones", "yoga"]
    assert set(BRANDS_BY_CATEGORY) == set(slugs) == set(PRODUCT_KINDS)
    assert len(COLORS) == 14 and all(c == c.lower() for c in COLORS)
    for category in CATEGORIES:
        assert category["synonyms"] and category["size_kind"] in SIZES
        brands_in_kinds = {b for kind in PRODUCT_KINDS[category["slug"]] for b in kind["lines"]}
        assert brands_in_kinds == set(BRANDS_BY_CATEGORY[category["slug"]]), category["slug"]


# --- counts and catalog -----------------------------------------------------


def test_counts_match_request_and_report(session: Session, shop: tuple[Engine, SeedReport]) -> None:
    report = shop[1]
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert count(Category) == report.categories == len(CATEGORIES)
    assert count(Brand) == report.brands == len({b for v in BRANDS_BY_CATEGORY.values() for b in v})
    assert count(Product) == report.products == SIZE["products"]
    assert count(Customer) == report.customers == SIZE["customers"]
    assert count(Order) == report.orders == SIZE["orders"]
    assert count(ProductVariant) == report.variants
    assert count(OrderItem) == report.order_items
    assert count(OrderStatusEvent) == report.status_events
    assert sum(report.orders_by_status.values()) == SIZE["orders"]


def test_every_category_has_products(session: Session) -> None:
    per_category = dict(session.execute(
        select(Category.slug, func.count(Product.id)).join(Product).group_by(Category.slug)
    ).all())
    assert set(per_category) == {c["slug"] for c in CATEGORIES}
    assert min(per_category.values()) >= 3
    categories = session.scalars(select(Category)).all()
    assert all(c.synonyms for c in categories)


def test_products_look_real(session: Session) -> None:
    products = session.scalars(select(Product).options(
        selectinload(Product.category), selectinload(Product.brand))).all()
    assert len({p.name for p in products}) == len(products)
    assert len({p.slug for p in products}) == len(products)
    assert len({p.sku for p in products}) == len(products)
    for p in products:
        assert p.name.startswith(p.brand.name + " "), p.name
        assert p.brand.name in BRANDS_BY_CATEGORY[p.category.slug]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", p.slug)
        assert f"{p.price:.2f}".endswith((".99", ".00", ".95")), p.price
        assert Decimal("10") <= p.price <= Decimal("650")
        assert Decimal("3.0") <= p.rating <= Decimal("5.0")
        assert p.review_count >= 0
        assert p.image_url == f"/static/img/products/{p.category.slug}.svg"
        attrs = json.loads(p.attributes)
        assert isinstance(attrs, dict) and len(attrs) >= 3
        assert 2 <= p.description.count(". ") + 1 <= 4 and p.description.endswith(".")
        assert "{" not in p.description and "  " not in p.description
    shoes = [p for p in products if p.category.slug == "running-shoes"]
    assert all(Decimal("60") <= p.price <= Decimal("220") for p in shoes)
    assert all("weight_g" in json.loads(p.attributes) for p in shoes)
    tees = [p for p in products if p.category.slug == "t-shirts"]
    assert all(Decimal("15") <= p.price <= Decimal("60") for p in tees)


def test_variants_have_sizes_colours_and_stock(session: Session) -> None:
    products = session.scalars(select(Product).options(
        selectinload(Product.variants), selectinload(Product.category))).all()
    all_variants = [v for p in products for v in p.variants]
    assert len({v.sku for v in all_variants}) == len(all_variants)
    for p in products:
        assert p.variants, p.name
        colors = {v.color for v in p.variants}
        sizes = {v.size for v in p.variants}
        assert 1 <= len(colors) <= 4 and colors <= set(COLORS)
        assert len(p.variants) == len(colors) * len(sizes)
        kind = next(c["size_kind"] for c in CATEGORIES if c["slug"] == p.category.slug)
        assert sizes <= set(SIZES[kind]), (p.name, sizes)
        if kind != "mixed":
            assert sizes == set(SIZES[kind])
        assert all(0 <= v.stock <= 40 for v in p.variants)
    zero_share = sum(v.stock == 0 for v in all_variants) / len(all_variants)
    assert 0.08 <= zero_share <= 0.25
    assert any(all(v.stock == 0 for v in p.variants) for p in products)
    assert sum(all(v.stock == 0 for v in p.variants) for p in products) < len(products) * 0.1


# --- customers --------------------------------------------------------------


def test_customers_have_unique_example_emails(session: Session) -> None:
    customers = session.scalars(select(Customer).order_by(Customer.id)).all()
    emails = [c.email for c in customers]
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z0-9.]+@example\.(com|org|net)", e) for e in emails)
    assert [c.email for c in customers[: len(DEMO_CUSTOMERS)]] == [
        d["email"] for d in DEMO_CUSTOMERS]
    countries = Counter(c.country for c in customers)
    assert sum(countries[c] for c in ("US", "GB", "DE", "FR", "CA", "AU", "NL", "ES")) >= (
        0.8 * len(customers))


# --- orders -----------------------------------------------------------------


def test_every_status_present(orders: list[Order]) -> None:
    assert {o.status.value for o in orders} == set(ORDER_STATUSES)


def test_order_numbers_and_customers(orders: list[Order]) -> None:
    assert [o.number for o in orders] == [str(100000 + i) for i in range(1, len(orders) + 1)]
    for o in orders:
        assert o.email == o.customer.email
        assert o.shipping_method in ("standard", "express")
        assert o.shipping_address and o.currency == "USD"
        placed = _naive(o.placed_at)
        assert CUTOFF - timedelta(days=181) <= placed < CUTOFF


def test_order_totals_equal_sum_of_items(orders: list[Order]) -> None:
    for o in orders:
        assert 1 <= len(o.items) <= 4
        assert len({i.variant_id for i in o.items}) == len(o.items)
        expected = sum((i.unit_price * i.quantity for i in o.items), Decimal("0"))
        assert o.total.quantize(Decimal("0.01")) == expected.quantize(Decimal("0.01")), o.number
        for item in o.items:
            assert item.unit_price == item.variant.product.price


def test_status_history_is_consistent(orders: list[Order]) -> None:
    for o in orders:
        statuses = [e.status.value for e in o.history]
        times = [_naive(e.at) for e in o.history]
        assert times == sorted(times) and len(set(times)) == len(times), o.number
        assert times[0] == _naive(o.placed_at) and times[-1] < CUTOFF
        assert statuses[-1] == o.status.value
        if o.status is OrderStatus.CANCELLED:
            assert statuses[:-1] == FLOW[: len(statuses) - 1]
            assert "shipped" not in statuses and len(statuses) <= 4
            assert o.history[-1].note
        else:
            assert statuses == FLOW[: len(statuses)], (o.number, statuses)
        if o.status is OrderStatus.DELIVERED:
            assert statuses == ["placed", "paid", "packed", "shipped", "delivered"]


def test_shipping_details_match_status(orders: list[Order]) -> None:
    shipped_like = {OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.RETURNED}
    for o in orders:
        if o.status in shipped_like:
            assert o.carrier in CARRIERS
            assert re.fullmatch(TRACKING_FORMATS[o.carrier], o.tracking_number), o.tracking_number
            shipped_at = next(_naive(e.at) for e in o.history if e.status is OrderStatus.SHIPPED)
            assert 2 <= (o.estimated_delivery - shipped_at.date()).days <= 7
        else:
            assert o.carrier is None and o.tracking_number is None
            assert o.estimated_delivery is None and o.delivered_at is None
        if o.status in (OrderStatus.DELIVERED, OrderStatus.RETURNED):
            delivered = next(e for e in o.history if e.status is OrderStatus.DELIVERED)
            assert o.delivered_at is not None and _naive(o.delivered_at) == _naive(delivered.at)
        elif o.status is OrderStatus.SHIPPED:
            assert o.delivered_at is None


def test_recent_orders_are_in_flight_and_old_ones_done(orders: list[Order]) -> None:
    in_flight = {OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.PACKED}
    for o in orders:
        age = CUTOFF - _naive(o.placed_at)
        if o.status in in_flight:
            assert age < timedelta(days=5), o.number
        if age > timedelta(days=30):
            assert o.status not in in_flight


# --- demo orders ------------------------------------------------------------


def test_demo_orders_are_exactly_as_documented(orders: list[Order]) -> None:
    assert [(d["number"], d["email"], d["status"]) for d in DEMO_ORDERS] == [
        ("100001", "emma.schmidt@example.com", "shipped"),
        ("100002", "james.okafor@example.com", "delivered"),
        ("100003", "sofia.martinez@example.org", "placed"),
        ("100004", "noah.miller@example.com", "shipped"),
        ("100005", "chloe.dubois@example.net", "delivered"),
        ("100006", "lucas.vandijk@example.com", "cancelled"),
    ]
    by_number = {o.number: o for o in orders}
    for demo in DEMO_ORDERS:
        order = by_number[demo["number"]]
        assert (order.email, order.status.value) == (demo["email"], demo["status"])
        assert order.customer.email == demo["email"]
        # Each demo customer has just this one order, which keeps walkthroughs simple.
        assert sum(o.customer_id == order.customer_id for o in orders) == 1
    in_transit, recent, placed, late, old, cancelled = (
        by_number[str(n)] for n in range(100001, 100007))
    assert in_transit.estimated_delivery > TODAY and in_transit.delivered_at is None
    assert _naive(recent.delivered_at).date() == TODAY - timedelta(days=5)
    assert placed.tracking_number is None and [e.status.value for e in placed.history] == ["placed"]
    assert late.estimated_delivery == TODAY - timedelta(days=4) and late.delivered_at is None
    assert _naive(old.delivered_at).date() == TODAY - timedelta(days=60)
    assert "customer's request" in cancelled.history[-1].note
    assert all(o.items for o in (in_transit, recent, placed, late, old, cancelled))


def test_demo_orders_do_not_depend_on_order_count(
    tmp_path: Path, orders: list[Order]
) -> None:
    engine, _ = _seeded_engine(tmp_path / "six.db", **{**SIZE, "orders": 6})
    with Session(engine) as s:
        few = s.scalars(select(Order).options(selectinload(Order.items)).order_by(Order.id)).all()
        got = [(o.number, o.email, o.status, o.total, o.tracking_number, o.estimated_delivery,
                [i.variant_id for i in o.items]) for o in few]
    engine.dispose()
    want = [(o.number, o.email, o.status, o.total, o.tracking_number, o.estimated_delivery,
             [i.variant_id for i in o.items]) for o in orders[:6]]
    assert got == want


# --- determinism ------------------------------------------------------------


def test_same_seed_gives_identical_shop(tmp_path: Path) -> None:
    first, _ = _seeded_engine(tmp_path / "a.db", **SMALL)
    second, _ = _seeded_engine(tmp_path / "b.db", **SMALL)
    other, _ = _seeded_engine(tmp_path / "c.db", seed=7, **SMALL)
    a, b, c = _snapshot(first), _snapshot(second), _snapshot(other)
    for engine in (first, second, other):
        engine.dispose()
    assert a == b
    assert a["products"] != c["products"] and a["orders"] != c["orders"]
    # Demo customers and order numbers do not depend on the seed.
    assert [o[0] for o in a["orders"]] == [o[0] for o in c["orders"]]
    assert a["customers"][:6] == c["customers"][:6]


def test_catalog_does_not_depend_on_order_count(tmp_path: Path) -> None:
    one, _ = _seeded_engine(tmp_path / "one.db", **SMALL)
    two, _ = _seeded_engine(tmp_path / "two.db", **{**SMALL, "orders": 40})
    a, b = _snapshot(one), _snapshot(two)
    one.dispose()
    two.dispose()
    assert a["products"] == b["products"] and a["customers"] == b["customers"]


def test_seed_refuses_a_non_empty_shop(shop: tuple[Engine, SeedReport]) -> None:
    with Session(shop[0]) as s, pytest.raises(ValueError, match="not empty"):
        seed_shop(s, products=1, customers=6, orders=1, today=TODAY)


def test_seed_needs_demo_customers_for_orders(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as s, pytest.raises(ValueError, match="6 customers"):
        seed_shop(s, products=5, customers=3, orders=10, today=TODAY)
    engine.dispose()


# --- CLI --------------------------------------------------------------------


def test_cli_needs_migrated_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'bare.db'}"
    assert main(["--database-url", url]) == 1
    assert "run migrations first" in capsys.readouterr().err


def test_cli_refuses_existing_products_unless_reset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cli.db"
    engine, _ = _seeded_engine(path, **SMALL)
    url = f"sqlite:///{path}"
    args = ["--database-url", url, "--products", "30", "--customers", "10", "--orders", "20",
            "--today", TODAY.isoformat()]
    assert main(args) == 1
    assert "--reset" in capsys.readouterr().err
    assert main([*args, "--reset"]) == 0
    out = capsys.readouterr().out
    assert "100001" in out and "emma.schmidt@example.com" in out
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Product)) == 30
        assert s.scalar(select(func.count()).select_from(Order)) == 20
        numbers = s.scalars(select(Order.number).order_by(Order.id)).all()
    engine.dispose()
    assert numbers[0] == "100001" and len(set(numbers)) == 20


def test_cli_if_empty_skips_a_seeded_shop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "once.db"
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    args = ["--database-url", f"sqlite:///{path}", "--products", "20", "--customers", "8",
            "--orders", "10", "--today", TODAY.isoformat(), "--if-empty"]
    assert main(args) == 0
    assert main(args) == 0
    assert "nothing to seed" in capsys.readouterr().out
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 10
    engine.dispose()
