import re

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
from tests.bot.line_products import add_line_classic


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


@pytest.mark.parametrize("text", ["kanken", "do you have the kanken in pink", "is the kanken waterproof",
                                  "how much is the fjallraven kanken?", "is the kanken backpack in stock"])
def test_a_line_name_means_the_product_named_just_that_line(session, text):
    """Bug: "kanken" found the "Kanken Mini Hip Pack" (better rated) instead of the Kanken itself."""
    classic = add_line_classic(session, "Kanken")
    product_id, _ = find_referenced_product(session, text=text, shown=None, current=None)
    assert product_id == classic.id, session.get(Product, product_id).name if product_id else None


def test_the_extra_words_a_visitor_names_pick_the_longer_name(session):
    classic = add_line_classic(session, "Kanken")
    family = session.scalars(select(Product).where(Product.name.ilike("% kanken %"), Product.id != classic.id)).all()
    # "Kanken No. 2" reads as "number 2" of a list: an ordinal, not a name.
    named = [p for p in family if referenced_index(p.name) is None]
    assert named
    for product in named:
        words = product.name.removeprefix(product.brand.name).strip()
        product_id, _ = find_referenced_product(session, text=f"is the {words} waterproof?", shown=None, current=None)
        assert product_id == product.id, (words, session.get(Product, product_id).name if product_id else None)
    minis = {p.id for p in family if re.search(r"\bmini\b", p.name, re.I)}
    assert len(minis) == 1
    product_id, _ = find_referenced_product(session, text="got the kanken mini in pink?", shown=None, current=None)
    assert {product_id} == minis


def _contained_names(session) -> list[tuple[Product, Product]]:
    """Seeded products whose name is another product's name with words added
    ("Vans Old Skool", "Vans Men's Old Skool Canvas Trainers"): (shorter, longer)."""
    products = session.scalars(select(Product).where(Product.sku.not_like("TEST-%"))).all()
    words = {p.id: set(re.findall(r"[^\W_]+", p.name.lower())) for p in products}
    return [(short, long) for short in products for long in products
            if short.brand_id == long.brand_id and words[short.id] < words[long.id]]


def test_across_the_catalog_the_closest_full_name_wins(session):
    """Every line with variants in the test shop: the shorter name finds the shorter product,
    the longer name the longer one, whatever their ratings and stock."""
    pairs = _contained_names(session)
    assert len(pairs) >= 10
    wrong, found = [], 0
    for short, long in pairs:
        for product in (short, long):
            words = product.name.removeprefix(product.brand.name).strip()
            if referenced_index(words) is not None:
                continue  # "No. 2" is read as an ordinal
            product_id, _ = find_referenced_product(session, text=f"is the {words} in stock?", shown=None, current=None)
            # None: no product found by these words at all (a model code such as "WH-CH720N"), not a wrong one.
            found += product_id is not None
            if product_id is not None and product_id != product.id:
                wrong.append((words, session.get(Product, product_id).name))
    assert not wrong
    assert found >= 2 * len(pairs) - 4
