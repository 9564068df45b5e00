"""The demo shop front at ``/``: pages built from the seeded catalog, with the chat widget."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from bot.formatting import money
from bot.models import Category, Product, ProductVariant
from bot.settings import get_settings
from tests.api.conftest import free_port

WIDGET_TAG = '<script src="/widget.js" data-title="{name} support" data-color="#0f766e"'
_NAME = re.compile(r'class="product-name">(.*?)</h\d>', re.S)
_PRICE = re.compile(r'class="product-price">\$([\d,]+\.\d\d)')


@pytest.fixture
def client(make_client):
    return make_client(rasa_url=f"http://127.0.0.1:{free_port()}")


def _names(page: str) -> list[str]:
    return [html.unescape(n.strip()) for n in _NAME.findall(page)]


def _prices(page: str) -> list[Decimal]:
    return [Decimal(p.replace(",", "")) for p in _PRICE.findall(page)]


def _biggest_category(session) -> tuple[str, int]:
    slug, count = session.execute(
        select(Category.slug, func.count(Product.id)).join(Product).group_by(Category.slug)
        .order_by(func.count(Product.id).desc()).limit(1)
    ).one()
    assert count > 24, "the test shop needs a category with more than one page"
    return slug, count


def _html_ok(response, status: int = 200) -> str:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def _assert_widget_once(page: str) -> None:
    tag = WIDGET_TAG.format(name=html.escape(get_settings().shop_name))
    assert page.count('src="/widget.js"') == 1
    assert tag in page
    assert re.search(r"<script src=\"/widget\.js\"[^>]*async></script>\s*</body>", page)


def test_home_lists_every_category_with_its_real_count_and_the_widget(client, session):
    page = _html_ok(client.get("/"))
    counts = session.execute(
        select(Category.slug, Category.name, func.count(Product.id)).outerjoin(Product).group_by(Category.id)
    ).all()
    assert len(counts) == 11
    for slug, name, count in counts:
        tile = re.search(rf'<a class="category-tile" href="/c/{slug}">(.*?)</a>', page, re.S)
        assert tile, slug
        assert html.escape(name) in tile.group(1)
        assert f'<span class="tile-count">{count} products</span>' in tile.group(1)
    assert get_settings().shop_name in page
    _assert_widget_once(page)


def test_home_features_the_top_rated_product_of_each_category(client, session):
    featured = set(_names(client.get("/").text))
    for category_id in session.scalars(select(Category.id)):
        best = session.scalars(
            select(Product.name).where(Product.category_id == category_id)
            .order_by(Product.rating.desc(), Product.review_count.desc(), Product.id).limit(1)
        ).one()
        assert best in featured


def test_category_pages_show_that_categorys_products_24_per_page(client, session):
    slug, count = _biggest_category(session)
    expected = set(session.scalars(select(Product.name).join(Category).where(Category.slug == slug)))
    seen: list[str] = []
    pages = -(-count // 24)
    for number in range(1, pages + 1):
        names = _names(_html_ok(client.get(f"/c/{slug}", params={"page": number})))
        assert len(names) == (24 if number < pages else count - 24 * (pages - 1))
        seen += names
    assert len(seen) == len(set(seen)) == count
    assert set(seen) == expected
    first = client.get(f"/c/{slug}").text
    assert 'rel="next"' in first and f"page={pages}" in first
    # Past the last page: the last page, not an error.
    assert _names(client.get(f"/c/{slug}", params={"page": 999}).text) == _names(
        client.get(f"/c/{slug}", params={"page": pages}).text
    )


@pytest.mark.parametrize("sort, descending", [("price-asc", False), ("price-desc", True)])
def test_price_sort_is_really_sorted_across_pages(client, session, sort, descending):
    slug, count = _biggest_category(session)
    prices: list[Decimal] = []
    for number in (1, 2):
        prices += _prices(client.get(f"/c/{slug}", params={"sort": sort, "page": number}).text)
    assert len(prices) == min(count, 48)
    assert prices == sorted(prices, reverse=descending)
    db_prices = sorted(session.scalars(select(Product.price).join(Category).where(Category.slug == slug)))
    assert prices[0] == (db_prices[-1] if descending else db_prices[0])


def test_popular_sort_puts_the_best_rated_first(client, session):
    slug, _count = _biggest_category(session)
    best = session.scalars(
        select(Product.name).join(Category).where(Category.slug == slug)
        .order_by(Product.rating.desc(), Product.review_count.desc(), Product.id).limit(3)
    ).all()
    assert _names(client.get(f"/c/{slug}", params={"sort": "nonsense"}).text)[:3] == best


def test_product_page_shows_price_stock_per_variant_and_the_widget(client, session):
    # A product sold in several colours with at least one option sold out.
    product = session.scalars(
        select(Product).join(ProductVariant).where(ProductVariant.stock == 0)
        .group_by(Product.id).having(func.count(func.distinct(ProductVariant.color)) > 1)
        .order_by(Product.id).limit(1)
    ).one()
    page = _html_ok(client.get(f"/products/{product.slug}"))
    assert html.escape(product.name) in page
    assert money(product.price) in page
    assert "Ask our assistant about this product" in page
    _assert_widget_once(page)

    table = re.search(r'<table class="stock-table">(.*?)</table>', page, re.S).group(1)
    sizes = [html.unescape(s) for s in re.findall(r'<th scope="col">(.*?)</th>', table)][1:]
    shown: dict[tuple[str, str], int] = {}
    for color, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S):
        stocks = re.findall(r'<td class="\w+" data-stock="(\d+)"', cells)
        assert len(stocks) == len(sizes)
        for size, stock in zip(sizes, stocks):
            shown[(html.unescape(color).lower(), size)] = int(stock)
    assert shown == {(v.color.lower(), v.size): v.stock for v in product.variants}
    assert "Sold out" in table


def test_product_page_lists_related_products_of_the_same_category(client, session):
    product = session.scalars(select(Product).order_by(Product.id).limit(1)).one()
    page = client.get(f"/products/{product.slug}").text
    related = _names(page.split('id="related-title"', 1)[1])
    assert related and product.name not in related
    categories = set(session.scalars(select(Product.category_id).where(Product.name.in_(related))))
    assert categories == {product.category_id}


def test_search_for_red_running_shoes_returns_running_shoes(client, session):
    page = _html_ok(client.get("/search", params={"q": "red running shoes"}))
    names = _names(page)
    assert names
    found = session.scalars(select(Product).where(Product.name.in_(names))).all()
    assert len(found) == len(names)
    assert {p.category.slug for p in found} == {"running-shoes"}
    if "No products match" not in page:
        assert all(any(v.color == "red" for v in p.variants) for p in found)


def test_search_without_matches_says_so_and_shows_nearest_alternatives(client):
    page = _html_ok(client.get("/search", params={"q": "watches under $1"}))
    assert "No products match" in page
    assert "closest matches without the price limit" in page
    assert _names(page)


@pytest.mark.parametrize("path", ["/products/no-such-product", "/c/no-such-category"])
def test_unknown_product_or_category_is_a_friendly_html_404(client, path):
    page = _html_ok(client.get(path), status=404)
    assert "find that" in page
    assert 'href="/c/running-shoes"' in page  # a way back into the shop
    _assert_widget_once(page)


def test_search_query_echo_is_escaped(client):
    page = _html_ok(client.get("/search", params={"q": "<script>alert(1)</script>"}))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script") == 1  # only the widget


def test_static_css_and_every_product_image_are_served(client, session):
    css = client.get("/static/shop.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    image_urls = set(session.scalars(select(Product.image_url).distinct()))
    slugs = set(session.scalars(select(Category.slug)))
    assert image_urls == {f"/static/img/products/{slug}.svg" for slug in slugs}
    for url in image_urls:
        svg = client.get(url)
        assert svg.status_code == 200, url
        assert svg.headers["content-type"].startswith("image/svg+xml")
        assert svg.text.lstrip().startswith("<svg") and 'viewBox="0 0 400 400"' in svg.text


def test_category_page_runs_a_fixed_number_of_queries(client, shop_db, session):
    slug, _count = _biggest_category(session)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(shop_db, "before_cursor_execute", count)
    try:
        assert client.get(f"/c/{slug}").status_code == 200
    finally:
        event.remove(shop_db, "before_cursor_execute", count)
    assert len(statements) <= 8, statements  # no query per product
