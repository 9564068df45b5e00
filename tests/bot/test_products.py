import pytest
from sqlalchemy import select

from bot.catalog.products import (
    availability,
    find_referenced_product,
    format_specs,
    product_details,
    referenced_index,
    resolve_product,
)
from bot.models import Product


@pytest.fixture
def product(session):
    return session.scalar(select(Product).order_by(Product.id).limit(1))


def test_details_match_the_database(session, product):
    details = product_details(session, product_id=product.id)
    assert details.hit.name == product.name and details.hit.price == product.price
    assert {(v.color, v.size, v.stock) for v in details.variants} == {(v.color, v.size, v.stock) for v in product.variants}
    assert set(details.colors_in_stock()) == {v.color for v in product.variants if v.stock > 0}


def test_unknown_product_is_none(session):
    assert product_details(session, product_id=10**9) is None


def test_availability_per_colour_and_size(session, product):
    details = product_details(session, product_id=product.id)
    variant = product.variants[0]
    result = availability(details, colors=(variant.color,), sizes=(variant.size,))
    assert result.matched and result.stock == variant.stock and result.available == (variant.stock > 0)
    assert not availability(details, colors=("no-such-colour",)).matched


@pytest.mark.parametrize(
    ("text", "index"),
    [("the second one", 1), ("how much is the 3rd", 2), ("number 2 please", 1), ("the last one", -1), ("how much is it", None)],
)
def test_referenced_index(text, index):
    assert referenced_index(text) == index


def test_resolve_product_prefers_an_ordinal_then_the_current_product():
    assert resolve_product(text="the second one", shown=[7, 8, 9], current=7) == 8
    assert resolve_product(text="how much is it", shown=[7, 8], current=9) == 9
    assert resolve_product(text="the fifth one", shown=[7, 8], current=None) is None
    assert resolve_product(text="is it in stock", shown=[5], current=None) == 5


def test_format_specs():
    assert format_specs({"weight_g": 250, "waterproof": True}) == "weight g: 250, waterproof: yes"


def test_find_referenced_product_uses_the_list_for_ordinals(session):
    shown = list(session.scalars(select(Product.id).order_by(Product.id).limit(3)))
    product_id, query = find_referenced_product(session, text="is the third one in blue?", shown=shown, current=None)
    assert product_id == shown[2] and query.colors == ("blue",)


def test_find_referenced_product_searches_for_a_named_product(session):
    product = session.scalar(select(Product).order_by(Product.id.desc()).limit(1))
    product_id, _ = find_referenced_product(session, text=f"is the {product.name} available in XL",
                                            shown=[1, 2], current=1)
    assert product_id == product.id


def test_find_referenced_product_falls_back_to_the_current_product(session):
    product_id, query = find_referenced_product(session, text="do you have it in size 42?", shown=[5, 6], current=6)
    assert product_id == 6 and query.sizes == ("42",)


def test_sizes_in_stock_are_listed_smallest_first():
    from decimal import Decimal

    from bot.catalog.hits import ProductHit
    from bot.catalog.products import ProductDetails, VariantStock, size_order

    hit = ProductHit(id=1, name="Trail Boot", brand="Acme", category="Boots", price=Decimal("80"), stock=9,
                     colors=("brown",), sizes_in_stock=(), url="u", image_url="i", rating=Decimal("4.5"))
    sizes = ["44", "36", "41", "37", "47", "38", "9.5", "40", "39"]
    details = ProductDetails(hit=hit, description="", specs={},
                             variants=tuple(VariantStock(color="brown", size=s, stock=1) for s in sizes)
                             + (VariantStock(color="brown", size="45", stock=0),))
    assert details.sizes_in_stock() == ("9.5", "36", "37", "38", "39", "40", "41", "44", "47")
    assert sorted(["XL", "one size", "S", "XXL", "M", "XS", "L"], key=size_order) == \
        ["XS", "S", "M", "L", "XL", "XXL", "one size"]
