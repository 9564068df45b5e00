from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.aggregates import refresh_aggregates
from bot.errors import ProductNotFound
from bot.models import (
    Category,
    Customer,
    Order,
    OrderItem,
    OrderStatus,
    Product,
    ProductVariant,
)
from bot.recommendations import best_sellers, for_customer, recommendation_kind, similar_products, top_rated


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _units_sold(session, now, days=90, category_slug=None):
    """Units per product id, counted in Python from the raw rows."""
    units: Counter[int] = Counter()
    orders = session.scalars(
        select(Order).options(selectinload(Order.items).selectinload(OrderItem.variant)
                              .selectinload(ProductVariant.product).selectinload(Product.category))
    )
    for order in orders:
        if order.status is OrderStatus.CANCELLED or _utc(order.placed_at) < now - timedelta(days=days):
            continue
        for item in order.items:
            product = item.variant.product
            if category_slug is None or product.category.slug == category_slug:
                units[product.id] += item.quantity
    return units


def _in_stock(session, product_id):
    return session.scalar(select(func.sum(ProductVariant.stock)).where(ProductVariant.product_id == product_id)) > 0


@pytest.mark.parametrize("category_slug", [None, "jackets"])
def test_best_sellers_are_ranked_by_units_sold_in_stock_first(session, category_slug):
    now = datetime.now(timezone.utc)
    units = _units_sold(session, now, category_slug=category_slug)
    expected = sorted(units, key=lambda pid: (not _in_stock(session, pid), -units[pid], pid))[:5]
    refresh_aggregates(session, now=now)
    hits = best_sellers(session, category_slug=category_slug, limit=5)
    assert [h.id for h in hits] == expected
    keys = [(not h.in_stock, -units[h.id]) for h in hits]
    assert keys == sorted(keys)
    if category_slug:
        assert {h.category for h in hits} == {"Jackets"}


def _big_order(session, product, status):
    variant = product.variants[0]
    customer = session.scalar(select(Customer).limit(1))
    session.add(Order(
        number=f"99{status.value[:3]}", customer_id=customer.id, email=customer.email, status=status,
        total=Decimal("1.00"), shipping_address="x",
        items=[OrderItem(variant_id=variant.id, quantity=500, unit_price=Decimal("1.00"))],
    ))
    session.flush()


def test_cancelled_orders_do_not_count_but_others_do(session):
    product = session.scalar(
        select(Product).where(Product.variants.any(ProductVariant.stock > 0)).order_by(Product.id.desc()).limit(1)
    )
    _big_order(session, product, OrderStatus.CANCELLED)
    refresh_aggregates(session)
    assert product.id not in [h.id for h in best_sellers(session, limit=5)]
    _big_order(session, product, OrderStatus.PAID)
    assert product.id not in [h.id for h in best_sellers(session, limit=5)]  # until the next refresh
    refresh_aggregates(session)
    assert best_sellers(session, limit=5)[0].id == product.id


def test_old_orders_fall_outside_the_window(session):
    now = datetime.now(timezone.utc)
    units_7 = _units_sold(session, now, days=7)
    refresh_aggregates(session, now=now)
    hits = best_sellers(session, days=7, limit=50)
    assert {h.id for h in hits} <= set(units_7)


def test_top_rated_respects_min_reviews_and_order(session):
    hits = top_rated(session, min_reviews=50, limit=10)
    assert len(hits) == 10
    products = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_([h.id for h in hits])))}
    assert all(products[h.id].review_count >= 50 for h in hits)
    keys = [(not h.in_stock, -h.rating, -products[h.id].review_count) for h in hits]
    assert keys == sorted(keys)
    best = session.scalar(select(func.max(Product.rating)).where(
        Product.review_count >= 50, Product.variants.any(ProductVariant.stock > 0)))
    assert hits[0].rating == best
    headphones = top_rated(session, category_slug="headphones", min_reviews=0)
    assert headphones and {h.category for h in headphones} == {"Headphones"}


@pytest.mark.parametrize("category_slug", ["headphones", "running-shoes", "jackets"])
def test_similar_products_share_category_and_price_band(session, category_slug):
    base = session.scalar(
        select(Product).join(Category).where(Category.slug == category_slug).order_by(Product.id).limit(1)
    )
    hits = similar_products(session, product_id=base.id, limit=5)
    assert hits
    for hit in hits:
        assert hit.id != base.id
        assert hit.category == base.category.name
        assert base.price * Decimal("0.65") <= hit.price <= base.price * Decimal("1.35")
    flags = [h.in_stock for h in hits]
    assert flags == sorted(flags, reverse=True)


def _copy(session, base, n, **changes):
    fields = dict(
        sku=f"TEST-{n}", slug=f"test-{n}", name=f"Test product {n}", description="test",
        attributes=base.attributes, price=base.price, category_id=base.category_id,
        brand_id=base.brand_id, rating=Decimal("3.0"), review_count=1,
        variants=[ProductVariant(sku=f"TEST-{n}-V", size="", color="black", stock=5)],
    )
    product = Product(**{**fields, **changes})
    session.add(product)
    session.flush()
    return product


def test_shared_brand_and_attributes_rank_higher(session):
    base = session.scalar(select(Product).join(Category).where(Category.slug == "headphones").limit(1))
    other_brand = session.scalar(select(Product.brand_id).where(Product.brand_id != base.brand_id).limit(1))
    other_category = session.scalar(select(Category.id).where(Category.id != base.category_id).limit(1))
    same_brand = _copy(session, base, 1)
    same_traits = _copy(session, base, 2, brand_id=other_brand)
    no_traits = _copy(session, base, 3, brand_id=other_brand, attributes="{}")
    too_dear = _copy(session, base, 4, price=base.price * 2)
    elsewhere = _copy(session, base, 5, category_id=other_category)
    ids = [h.id for h in similar_products(session, product_id=base.id, limit=500)]
    assert ids.index(same_brand.id) < ids.index(same_traits.id) < ids.index(no_traits.id)
    assert too_dear.id not in ids and elsewhere.id not in ids and base.id not in ids


def test_similar_to_unknown_product_raises(session):
    with pytest.raises(ProductNotFound):
        similar_products(session, product_id=10**9)


def _bought(session, email):
    rows = session.execute(
        select(Product.id, Product.category_id, Product.brand_id)
        .join(ProductVariant).join(OrderItem).join(Order)
        .where(Order.email == email, Order.status != OrderStatus.CANCELLED)
    ).all()
    return rows


def test_for_customer_excludes_what_they_bought(session):
    customer_id = session.scalar(
        select(Order.customer_id).group_by(Order.customer_id).order_by(func.count().desc()).limit(1)
    )
    email = session.get(Customer, customer_id).email
    bought = _bought(session, email)
    hits = for_customer(session, email=email, limit=10)
    assert len(hits) == 10
    assert not {h.id for h in hits} & {r.id for r in bought}
    categories, brands = {r.category_id for r in bought}, {r.brand_id for r in bought}
    products = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_([h.id for h in hits])))}
    assert all(products[h.id].category_id in categories or products[h.id].brand_id in brands for h in hits)


def test_for_demo_customer_prefers_their_category(session):
    hits = for_customer(session, email="James.Okafor@example.com", limit=5)
    jacket = _bought(session, "james.okafor@example.com")[0]
    assert jacket.id not in {h.id for h in hits}
    assert hits[0].category == "Jackets"


def test_unknown_customer_gets_best_sellers(session):
    assert [h.id for h in for_customer(session, email="nobody@example.com")] == [
        h.id for h in best_sellers(session)]


@pytest.mark.parametrize("text, kind", [
    ("anything similar to this one?", "similar"),
    ("show me alternatives", "similar"),
    ("what would you recommend for me", "personal"),
    ("based on my orders what should i get", "personal"),
    ("top rated headphones", "top_rated"),
    ("which ones have the best reviews", "top_rated"),
    ("what's popular right now", "best_sellers"),
    ("gift ideas for a runner", "best_sellers"),
])
def test_recommendation_kind(text, kind):
    assert recommendation_kind(text) == kind
