"""Unmet demand: which searches count as unmet, and how they are recorded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.catalog import find_products, record_unmet_search, search_unmet_kind
from bot.catalog.products import ProductDetails, VariantStock
from bot.catalog.query import ProductQuery
from bot.catalog.search import ProductHit, SearchResult
from bot.catalog.unmet import availability_unmet_kind
from bot.models import UnmetKind, UnmetSearch


def _hit(stock: int) -> ProductHit:
    return ProductHit(id=1, name="Trail Runner", brand="Acme", category="Running Shoes", price=Decimal("80"),
                      stock=stock, colors=("red",), sizes_in_stock=(), url="u", image_url="i", rating=Decimal("4.5"))


QUERY = ProductQuery(text="trail runner", keywords=("trail",))


@pytest.mark.parametrize(("result", "kind"), [
    (SearchResult(query=ProductQuery(text="hello"), hits=()), None),
    (SearchResult(query=QUERY, hits=()), UnmetKind.NO_RESULTS),
    (SearchResult(query=QUERY, hits=(_hit(3),), relaxed=("sizes",)), UnmetKind.NO_RESULTS),
    (SearchResult(query=QUERY, hits=(_hit(0), _hit(0))), UnmetKind.OUT_OF_STOCK),
    (SearchResult(query=QUERY, hits=(_hit(0), _hit(2))), None),
])
def test_which_searches_are_unmet(result, kind):
    assert search_unmet_kind(result) is kind


def _details(*variants: tuple[str, str, int]) -> ProductDetails:
    stock = sum(v[2] for v in variants)
    return ProductDetails(hit=_hit(stock), description="", specs={},
                          variants=tuple(VariantStock(c, s, n) for c, s, n in variants))


@pytest.mark.parametrize(("details", "query", "kind"), [
    (_details(("red", "42", 0), ("blue", "43", 0)), ProductQuery(text=""), UnmetKind.OUT_OF_STOCK),
    (_details(("red", "42", 1)), ProductQuery(text=""), None),
    (_details(("red", "42", 0), ("blue", "42", 4)), ProductQuery(text="", colors=("red",)), UnmetKind.OUT_OF_STOCK),
    (_details(("red", "42", 3)), ProductQuery(text="", colors=("green",)), UnmetKind.NO_RESULTS),
    (_details(("red", "42", 3)), ProductQuery(text="", sizes=("42",)), None),
])
def test_which_stock_questions_are_unmet(details, query, kind):
    assert availability_unmet_kind(details, query) is kind


def test_a_real_search_for_nothing_is_recorded_with_its_parsed_filters(session):
    result = find_products(session, text="Do you have any XYLOPHONEZZ under 30 dollars?")
    kind = search_unmet_kind(result)
    assert kind is UnmetKind.NO_RESULTS
    view = record_unmet_search(session, text="  Do you have any XYLOPHONEZZ under 30 dollars?  ", kind=kind,
                               query=result.query, sender_id="visitor-1")
    assert view.normalized_query == "xylophonezz under 30"
    assert view.filters == {"keywords": ["xylophonezz"], "price_max": "30"}
    assert view.query_text == "Do you have any XYLOPHONEZZ under 30 dollars?" and view.kind == "no_results"
    row = session.scalar(select(UnmetSearch).where(UnmetSearch.id == view.id))
    assert row.sender_id == "visitor-1" and row.created_at is not None


def test_a_sold_out_product_is_recorded_under_its_name(session):
    view = record_unmet_search(session, text="is the trail runner in red?", kind="out_of_stock",
                               query=ProductQuery(text="", colors=("red",)), product_name="Trail Runner")
    assert view.normalized_query == "trail runner red"
    assert view.filters == {"colors": ["red"], "product": "Trail Runner"} and view.sender_id is None
