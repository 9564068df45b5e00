from decimal import Decimal

import pytest

from bot.catalog import parser_for


@pytest.fixture
def parse(session):
    parser = parser_for(session)
    return parser.parse


def test_the_issue_example(parse):
    q = parse("cheap red nike runing shoes size 42 under $80")
    assert q.categories == ("running-shoes",)
    assert q.brands == ("nike",)
    assert q.colors == ("red",)
    assert q.sizes == ("42",)
    assert q.price_max == Decimal("80") and q.price_min is None
    assert q.sort == "price"
    assert q.corrections == {"runing": "running"}


def test_plain_running_shoes_question(parse):
    q = parse("do you have running shoes under 80 dollars")
    assert q.categories == ("running-shoes",)
    assert q.price_max == Decimal("80")
    assert q.keywords == ()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("hoodies", "hoodies"),
        ("a hoody", "hoodies"),
        ("any trainers?", "sneakers"),
        ("rucksack for hiking", "backpacks"),
        ("wireless earbuds", "headphones"),
        ("jackets", "jackets"),
        ("jean", "jeans"),
        ("watchs", "watches"),
    ],
)
def test_categories_from_synonyms_plurals_and_typos(parse, text, category):
    assert category in parse(text).categories


def test_generic_shoes_means_all_footwear(parse):
    assert set(parse("black shoes").categories) == {"running-shoes", "sneakers", "boots"}


@pytest.mark.parametrize(
    ("text", "brand"),
    [("addidas hoodie", "adidas"), ("north face jacket", "the-north-face"), ("levis 501", "levis"), ("New Balance", "new-balance")],
)
def test_brands(parse, text, brand):
    assert brand in parse(text).brands


@pytest.mark.parametrize(
    ("text", "sizes"),
    [("tee size M", ("M",)), ("jeans 32 waist", ("32",)), ("hoodie in large", ("L",)), ("xl jacket", ("XL",)),
     ("size42 boots", ("42",)), ("what sizes does it come in", ()), ("which sizes do the jeans have", ())],
)
def test_sizes(parse, text, sizes):
    assert parse(text).sizes == sizes


def test_colour_alias(parse):
    assert parse("gray hoodie").colors == ("grey",)


def test_nothing_product_like_is_empty(parse):
    assert parse("hello there").is_empty


@pytest.mark.parametrize(
    ("text", "category"),
    [("how much is the jacket", "jackets"), ("a black hoodie", "hoodies"), ("do you have a watch", "watches"),
     ("brown boot size 42", "boots"), ("red running shoe", "running-shoes")],
)
def test_categories_named_in_the_singular(parse, text, category):
    q = parse(text)
    assert q.categories == (category,)
    assert q.keywords == ()


@pytest.mark.parametrize(("text", "categories"), [("top rated", ()), ("top rated jackets", ("jackets",)),
                                                  ("your top sellers", ()), ("a black top", ("t-shirts",))])
def test_top_ranks_unless_it_names_a_top(parse, text, categories):
    query = parse(text)
    assert query.categories == categories
    if "rated" in text or "sellers" in text:
        assert query.sort == "rating"
