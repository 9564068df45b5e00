from decimal import Decimal

from sqlalchemy import select

from bot.catalog import find_products
from bot.models import Category, Product, ProductVariant


def _product(session, hit):
    return session.get(Product, hit.id)


def test_running_shoes_under_80_are_real_matches(session):
    result = find_products(session, text="do you have running shoes under 80 dollars")
    assert result.hits and not result.relaxed
    expected_ids = set(
        session.scalars(
            select(Product.id).join(Category).where(Category.slug == "running-shoes", Product.price <= 80)
        )
    )
    for hit in result.hits:
        assert hit.id in expected_ids
        assert hit.price <= Decimal("80")
        product = _product(session, hit)
        assert hit.stock == sum(v.stock for v in product.variants)
        assert hit.url.endswith(f"/products/{product.slug}")


def test_colour_and_size_filters_hold_on_one_variant(session):
    result = find_products(session, text="black hoodie size M")
    assert result.hits
    for hit in result.hits:
        product = _product(session, hit)
        assert product.category.slug == "hoodies"
        assert any(v.color == "black" and v.size == "M" for v in product.variants)


def test_in_stock_products_come_first(session):
    result = find_products(session, text="sneakers", limit=20)
    stock_flags = [hit.in_stock for hit in result.hits]
    assert stock_flags == sorted(stock_flags, reverse=True)


def test_cheap_sorts_by_price(session):
    result = find_products(session, text="cheapest t-shirts")
    prices = [hit.price for hit in result.hits]
    in_stock_prices = [h.price for h in result.hits if h.in_stock]
    assert prices and in_stock_prices == sorted(in_stock_prices)


def test_impossible_price_falls_back_to_nearest_and_says_so(session):
    result = find_products(session, text="watches under $1")
    assert "price" in result.relaxed
    assert result.hits
    cheapest = session.scalar(
        select(Product.price).join(Category).where(Category.slug == "watches").order_by(Product.price).limit(1)
    )
    assert min(hit.price for hit in result.hits) == cheapest


def test_unknown_words_find_nothing_honestly(session):
    result = find_products(session, text="do you sell xylophonezz")
    assert result.hits == ()


def test_variant_stock_counts_only_matching_variants(session):
    result = find_products(session, text="red sneakers size 42")
    for hit in result.hits:
        variants = session.scalars(
            select(ProductVariant).where(ProductVariant.product_id == hit.id, ProductVariant.color == "red", ProductVariant.size == "42")
        ).all()
        if "sizes" not in result.relaxed and "colors" not in result.relaxed:
            assert hit.stock == sum(v.stock for v in variants)


def test_nearest_matches_drop_as_few_filters_as_it_takes(session):
    """No dresses in the catalog: red things in size S under $50, not everything red."""
    result = find_products(session, text="red dress size S under 50")
    assert result.relaxed == ("keywords",) and result.hits
    for hit in result.hits:
        assert hit.price <= Decimal("50")
        variants = _product(session, hit).variants
        assert any(v.color == "red" and v.size == "S" for v in variants)


def _tote(session, name, description):
    like = session.scalar(select(Product).order_by(Product.id).limit(1))
    product = Product(sku=name.upper().replace(" ", "-"), slug=name.lower().replace(" ", "-"), name=name,
                      description=description, price=Decimal("19.00"), category_id=like.category_id,
                      brand_id=like.brand_id)
    session.add(product)
    session.flush()
    session.add(ProductVariant(product_id=product.id, sku=f"{product.sku}-1", color="red", size="S", stock=3))
    session.flush()
    return product


def test_a_keyword_matches_the_start_of_a_word_not_its_inside(session):
    """Issue 18: keywords are looked up in a word index; "zebra" finds "Zebrastripe",
    "stripe" inside it does not (as the parser already treats letters only found inside
    catalog words as absent)."""
    from bot.catalog import ProductQuery, search_products

    tote = _tote(session, "Zebrastripe Tote", "A roomy tote with a quick-dry lining.")
    assert [h.id for h in search_products(session, query=ProductQuery(text="zebra", keywords=("zebra",))).hits] \
        == [tote.id]
    assert search_products(session, query=ProductQuery(text="quick-dry", keywords=("quick-dry",))).hits
    assert tote.id not in {h.id for h in search_products(
        session, query=ProductQuery(text="stripe", keywords=("stripe",)), limit=50).hits}
    # Nothing starts with the keyword: the relaxation drops it and keeps the colour and size.
    relaxed = search_products(session, query=ProductQuery(text="red ebrastripe size S", keywords=("ebrastripe",),
                                                          colors=("red",), sizes=("S",)))
    assert relaxed.relaxed == ("keywords",) and relaxed.hits
