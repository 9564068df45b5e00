"""Search, recommendations and order lists on a large shop, on SQLite and PostgreSQL.

Each answer read from an index or a precomputed table must equal what a plain query
over every row says; the shop is built once per module with bulk inserts (seconds).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import case, exists, func, select, text, update
from sqlalchemy.orm import Session, aliased

from bot.catalog import ProductQuery, find_products, search_products
from bot.catalog.text_index import any_word_in_text, first_product_with_words
from bot.db import make_engine
from bot.models import Category, Customer, Order, OrderItem, OrderStatus, Product, ProductVariant
from bot.orders import order_view
from bot.orders.lookup import orders_for_customer
from bot.recommendations import best_sellers, for_customer, top_rated
from tests.catalog_queries import db_ids
from tests.large_shop import NOW, PRODUCTS, build_large_shop
from tests.postgres import fresh_postgres_database


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def large_engine(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('large') / 'shop.db'}"
        build_large_shop(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
        return
    with fresh_postgres_database() as url:
        build_large_shop(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def large(large_engine):
    """A session on the large shop, rolled back after the test."""
    connection = large_engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


def _indexed(session, words):
    dialect = session.get_bind().dialect.name
    return set(session.scalars(select(Product.id).where(any_word_in_text(dialect, words))))


def _tokens(text):
    return re.findall(r"[^\W_]+", text.lower())


def _starts_a_word(tokens, keyword):
    """Do ``keyword``'s words follow one another in ``tokens``, the last as a start of one?"""
    wanted = _tokens(keyword)
    n = len(wanted)
    return any(tokens[i:i + n - 1] == wanted[:-1] and tokens[i + n - 1].startswith(wanted[-1])
               for i in range(len(tokens) - n + 1))


def _scanned(session, words):
    """The products a word of whose name or description starts with one of ``words``, read one by one."""
    rows = session.execute(select(Product.id, Product.name, Product.description))
    return {pid for pid, name, description in rows
            if any(_starts_a_word(_tokens(f"{name} {description}"), w) for w in words)}


@pytest.mark.parametrize("words", [["waterproof"], ["breathable"], ["rugged", "organic"], ["leath"],
                                   ["quick-dry"], ["quick-d"], ["jacket"], ["Brand1"], ["zzzebra"]])
def test_the_text_index_finds_what_a_scan_finds(large, words):
    found = _indexed(large, words)
    assert found == _scanned(large, words)
    assert found and found <= db_ids(large, words=words) or words == ["zzzebra"]


def test_a_keyword_inside_a_word_finds_nothing(large):
    """Only the start of a word matches: "eather" is inside every "leather", and finds none."""
    assert db_ids(large, words=["eather"]) and not _indexed(large, ["eather"])
    assert not _indexed(large, ["ather"]) and not _indexed(large, ["proof"])


def _new_product(session, sku, name, description, like):
    product = Product(sku=sku, slug=sku.lower(), name=name, description=description, price=Decimal("9.00"),
                      category_id=like.category_id, brand_id=like.brand_id)
    session.add(product)
    session.flush()
    return product


def test_the_text_index_follows_product_writes(large):
    first = large.scalar(select(Product).order_by(Product.id).limit(1))
    added = _new_product(large, "NEW-1", "Plain tee", "zebrastripe print", first)
    removed = _new_product(large, "NEW-2", "Zebrastripe cap", "a cap", first)
    assert _indexed(large, ["zebrastripe"]) == {added.id, removed.id}
    first.name = "Zebrastripe Runner"
    large.delete(removed)
    large.flush()
    assert _indexed(large, ["zebrastripe"]) == {first.id, added.id}
    assert _indexed(large, ["plain tee"]) == {added.id}
    assert _indexed(large, ["zebra"]) == {first.id, added.id}  # the start of a word
    added.description = "a print of stripes"
    large.flush()
    assert _indexed(large, ["zebrastripe"]) == {first.id}
    assert _indexed(large, ["stripes"]) == {added.id}


def _first_in(session, words, categories):
    dialect = session.get_bind().dialect.name
    return session.scalar(first_product_with_words(dialect, words, categories))


def test_the_word_index_follows_a_product_to_another_category(large):
    first = large.scalar(select(Product).order_by(Product.id).limit(1))
    other = large.scalar(select(Category.id).where(Category.id != first.category_id).limit(1))
    cap = _new_product(large, "NEW-3", "Zebrastripe cap", "a cap", first)
    assert _first_in(large, ["zebrastripe"], [first.category_id]) == cap.id
    assert _first_in(large, ["zebrastripe"], [other]) is None
    cap.category_id = other
    large.flush()
    assert _first_in(large, ["zebrastripe"], [first.category_id]) is None
    assert _first_in(large, ["zebrastripe"], [other, first.category_id]) == cap.id
    large.delete(cap)
    large.flush()
    assert _first_in(large, ["zebrastripe"], []) is None


def _filtered_rows(plan: dict) -> int:
    """Rows a PostgreSQL plan read and then dropped by a filter, over all its nodes."""
    return plan.get("Rows Removed by Filter", 0) + sum(_filtered_rows(p) for p in plan.get("Plans", ()))


def test_a_word_no_product_of_the_category_has_is_not_looked_for_product_by_product(large):
    """Every jacket has the word "jacket" and no boot does: the word index and the category's
    say so together, without computing the words of each boot (PostgreSQL walked all of them)."""
    dialect = large.get_bind().dialect.name
    boots = large.scalar(select(Category.id).where(Category.slug == "boots"))
    stmt = first_product_with_words(dialect, ["jacket"], [boots])
    assert large.scalar(stmt) is None and _first_in(large, ["jacket"], []) is not None
    sql = str(stmt.compile(large.get_bind(), compile_kwargs={"literal_binds": True}))
    if dialect == "postgresql":
        # The plan is chosen by the statistics autovacuum keeps; a fresh database has none.
        large.execute(text("ANALYZE products"))
        plan = large.execute(text("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)).scalar()[0]["Plan"]
        assert "ix_products_words" in str(plan) and _filtered_rows(plan) == 0
    else:
        steps = [row[-1] for row in large.execute(text("EXPLAIN QUERY PLAN " + sql))]
        assert steps and all("products_words" in step for step in steps)


def test_search_keeps_filters_ranks_in_stock_first_and_relaxes(large):
    result = find_products(large, text="waterproof jackets", limit=20)
    assert len(result.hits) == 20 and not result.relaxed
    assert all(h.category == "Jackets" and "waterproof" in h.name.lower() for h in result.hits)
    flags = [h.in_stock for h in result.hits]
    assert flags == sorted(flags, reverse=True)
    # A word of the catalog that no product of the category has: the keyword goes, the category stays.
    odd = search_products(large, query=ProductQuery(text="jacket boots", categories=("boots",), keywords=("jacket",)))
    assert odd.relaxed == ("keywords",) and odd.hits and all(h.category == "Boots" for h in odd.hits)
    assert search_products(large, query=ProductQuery(text="leather boots", categories=("boots",),
                                                     keywords=("leather",))).relaxed == ()
    query = ProductQuery(text="red dress size S", keywords=("dress",), colors=("red",), sizes=("S",))
    relaxed = search_products(large, query=query)
    assert relaxed.relaxed == ("keywords",) and relaxed.hits
    for hit in relaxed.hits:
        variants = large.scalars(select(ProductVariant).where(ProductVariant.product_id == hit.id))
        assert any(v.color == "red" and v.size == "S" for v in variants)


def _in_stock(product_id):
    variant = aliased(ProductVariant)
    return exists().where(variant.product_id == product_id, variant.stock > 0)


@pytest.mark.parametrize("days, category", [(90, None), (7, None), (30, "boots")])
def test_best_sellers_equal_a_count_of_every_order(large, days, category):
    stmt = (
        select(ProductVariant.product_id, func.sum(OrderItem.quantity))
        .join(OrderItem, OrderItem.variant_id == ProductVariant.id).join(Order)
        .join(Product, Product.id == ProductVariant.product_id).join(Category)
        .where(Order.status != OrderStatus.CANCELLED, Order.placed_at >= NOW - timedelta(days=days))
        .group_by(ProductVariant.product_id)
    )
    if category:
        stmt = stmt.where(Category.slug == category)
    units = dict(large.execute(stmt).all())
    stocked = set(large.scalars(select(Product.id).where(_in_stock(Product.id), Product.id.in_(units))))
    expected = sorted(units, key=lambda pid: (pid not in stocked, -units[pid], pid))[:8]
    assert [h.id for h in best_sellers(large, days=days, category_slug=category, limit=8)] == expected


@pytest.mark.parametrize("category, min_reviews", [(None, 20), ("watches", 0), ("hoodies", 390)])
def test_top_rated_equals_a_sort_of_every_product(large, category, min_reviews):
    stmt = (
        select(Product.id).join(Category).where(Product.review_count >= min_reviews)
        .order_by(case((_in_stock(Product.id), 0), else_=1), Product.rating.desc(),
                  Product.review_count.desc(), Product.id)
        .limit(10)
    )
    if category:
        stmt = stmt.where(Category.slug == category)
    assert [h.id for h in top_rated(large, category_slug=category, min_reviews=min_reviews, limit=10)] == list(
        large.scalars(stmt))


def _picks_by_scan(session, email, limit):
    bought = session.execute(
        select(Product.id, Product.category_id, Product.brand_id).join(ProductVariant).join(OrderItem)
        .join(Order).where(Order.email == email, Order.status != OrderStatus.CANCELLED).distinct()
    ).all()
    categories, brands = Counter(r.category_id for r in bought), Counter(r.brand_id for r in bought)
    affinity = case(categories, value=Product.category_id, else_=0) + case(brands, value=Product.brand_id, else_=0)
    return list(session.scalars(
        select(Product.id)
        .where(Product.id.not_in({r.id for r in bought}),
               Product.category_id.in_(categories) | Product.brand_id.in_(brands))
        .order_by(case((_in_stock(Product.id), 0), else_=1), affinity.desc(), Product.rating.desc(),
                  Product.review_count.desc(), Product.id)
        .limit(limit)
    ))


@pytest.mark.parametrize("customer", [1, 2, 7, 500, 1999])
def test_personal_picks_equal_a_scan_of_the_catalog(large, customer):
    email = f"buyer{customer}@large.example"
    assert [h.id for h in for_customer(large, email=email, limit=12)] == _picks_by_scan(large, email, 12)


def test_personal_picks_skip_sold_out_groups_until_nothing_else_is_left(large):
    email = "buyer3@large.example"
    best = _picks_by_scan(large, email, 1)[0]
    product = large.get(Product, best)
    same_group = select(Product.id).where(Product.category_id == product.category_id,
                                          Product.brand_id == product.brand_id)
    large.execute(update(ProductVariant).where(ProductVariant.product_id.in_(same_group)).values(stock=0))
    picks = [h.id for h in for_customer(large, email=email, limit=12)]
    assert picks == _picks_by_scan(large, email, 12) and best not in picks


def test_orders_for_a_heavy_buyer_are_newest_first(large):
    customer = large.scalar(
        select(Order.customer_id).group_by(Order.customer_id).order_by(func.count().desc()).limit(1))
    email = large.get(Customer, customer).email
    views = orders_for_customer(large, email=email, limit=25)
    expected = list(large.scalars(select(Order.number).where(Order.customer_id == customer)
                                  .order_by(Order.placed_at.desc(), Order.id.desc()).limit(25)))
    assert [v.number for v in views] == expected
    # The same views as the ORM's order, item by item (the rows are read as plain columns).
    orders = large.scalars(select(Order).where(Order.number.in_(expected)))
    by_number = {o.number: order_view(o, today=NOW.date()) for o in orders}
    assert orders_for_customer(large, email=email, limit=25, today=NOW.date()) == [by_number[n] for n in expected]
    assert any(v.items for v in views) and orders_for_customer(large, email="nobody@large.example") == []


def test_the_shop_is_large(large):
    assert large.scalar(select(func.count(Product.id))) == PRODUCTS
