"""Search keywords come only from words the catalog uses (issue 17, item 3).

Chat around a product question ("hunting for", "hang on", "hiii", "for my son") is
never a keyword, so it never makes a search find nothing or a nearest-match excuse.
What the products should be is read from the seeded DB with plain SQL, not written down.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.catalog import find_products, parser_for, search_products, search_unmet_kind
from bot.catalog.keywords import is_model_number
from bot.catalog.products import find_referenced_product
from bot.catalog.refine import is_follow_up
from bot.catalog.terms import product_words, words_of
from bot.formatting import query_summary, relaxed_note
from bot.models import Category, Product
from tests.catalog_queries import CHATTY, db_ids


@pytest.fixture
def parse(session):
    return parser_for(session).parse


def filters_of(query) -> dict:
    """The query's filters in ``db_ids`` terms (one value each in these questions)."""
    found = {"category": query.categories, "brand": query.brands, "color": query.colors, "size": query.sizes}
    filters = {name: values[0] for name, values in found.items() if values}
    assert all(len(values) <= 1 for values in found.values())
    if query.price_max is not None:
        filters["price_max"] = str(query.price_max)
    return filters




@pytest.mark.parametrize(("text", "filters"), CHATTY, ids=[text[:40] for text, _ in CHATTY])
def test_chat_is_no_keyword_and_the_search_finds_exactly_the_filtered_products(session, parse, text, filters):
    query = parse(text)
    assert query.keywords == ()  # hints ("scratch" of "scratch-resistant") only order the matches
    assert filters_of(query) == filters
    expected = db_ids(session, **filters)
    assert expected, "the seeded catalog has such products"
    result = find_products(session, text=text, limit=len(expected) + 10)
    assert result.relaxed == ()
    assert {hit.id for hit in result.hits} == expected
    assert search_unmet_kind(result) is None or not any(hit.in_stock for hit in result.hits)


def test_words_the_catalog_does_not_use_are_kept_as_ignored(parse):
    query = parse("hiii 👋 my son needs red running shoes asap")
    assert {"hiii", "son", "asap"} <= set(query.ignored)
    assert query.keywords == ()


def test_chat_before_a_follow_up_still_narrows_the_last_search(parse):
    for text in ("hang on, any in blue?", "hiii, what about size M?", "ok cool, and under $50?"):
        assert is_follow_up(parse(text)), text


# Words that mean something in the catalog stay keywords, and restrict the matches.
@pytest.mark.parametrize(
    ("text", "category", "keyword"),
    [
        ("waterproof jacket", "jackets", "waterproof"),
        ("hiya, any leather boots for my son?", "boots", "leather"),
        ("hang on, got any waterproof jackets? it's for my dad", "jackets", "waterproof"),
    ],
)
def test_catalog_words_stay_keywords(session, parse, text, category, keyword):
    query = parse(text)
    assert query.categories == (category,) and query.keywords == (keyword,)
    expected = db_ids(session, category=category, words=(keyword,))
    assert expected and expected != db_ids(session, category=category)
    result = find_products(session, text=text, limit=len(expected) + 10)
    assert result.relaxed == () and {hit.id for hit in result.hits} == expected


def test_a_word_only_descriptions_use_orders_the_matches_and_restricts_nothing(session, parse):
    names, descriptions = product_words(session)
    word = next((w for w in ("breathable", "cushioned", "roomy", "durable") if w in descriptions - names), None)
    assert word, "the seeded descriptions have such a word"
    category = session.scalar(
        select(Category.slug).join(Product.category).where(Product.description.ilike(f"%{word}%")).limit(1)
    )
    text = f"{word} {category.replace('-', ' ')}"
    query = parse(text)
    assert query.keywords == () and query.hints == (word,) and query.categories == (category,)
    expected = db_ids(session, category=category)
    result = find_products(session, text=text, limit=len(expected) + 10)
    assert result.relaxed == () and {hit.id for hit in result.hits} == expected
    # In stock first, as always; then the ones whose description uses the word.
    order = [(not hit.in_stock, word not in session.get(Product, hit.id).description.lower()) for hit in result.hits]
    assert order == sorted(order) and (False, False) in order
    # Alone, it is what the visitor asks for.
    assert parse(f"anything {word}?").keywords == (word,)


def test_the_term_set_is_the_words_of_the_catalog(session, parse):
    vocab = parser_for(session).vocab
    for name, description in session.execute(select(Product.name, Product.description)):
        assert words_of([name]) <= vocab.name_words
        assert words_of([description]) <= vocab.words
    assert "hiii" not in vocab.words and "nike" in vocab.name_words and "hoodie" in vocab.name_words


def test_typos_of_catalog_words_are_still_corrected(parse):
    query = parse("hodie from adiddas")
    assert query.corrections == {"hodie": "hoodie", "adiddas": "adidas"}
    assert query.categories == ("hoodies",) and query.brands == ("adidas",) and query.keywords == ()
    query = parse("waterprof jacket")
    assert query.corrections == {"waterprof": "waterproof"} and query.keywords == ("waterproof",)


def test_english_words_are_no_typos(parse):
    query = parse("erm, thinking of getting some brown boots")
    assert query.corrections == {} and query.keywords == () and query.categories == ("boots",)


def _adizeros(session):
    products = session.scalars(select(Product).where(Product.name.ilike("%adizero sl%"))).all()
    assert len(products) >= 2, "the seeded catalog has several Adizero SL models"
    return products


def _numbers(name: str) -> list[str]:
    return re.findall(r"(?<![\w.])\d+(?![\w.])", name)


def test_a_model_number_finds_that_model_only(session):
    for product in _adizeros(session):
        number = _numbers(product.name)[-1]
        for text in (f"Adidas Adizero SL {number}", f"hang on, do you have the adizero sl {number}?"):
            result = find_products(session, text=text)
            assert [hit.id for hit in result.hits] == [product.id], text
            assert result.relaxed == ()


def test_a_model_number_the_catalog_lacks_says_so(session):
    taken = {n for name in session.scalars(select(Product.name)) for n in _numbers(name)}
    number = next(str(n) for n in range(90, 1000) if str(n) not in taken)
    result = find_products(session, text=f"adidas adizero sl {number}", limit=20)
    assert result.relaxed == ("model_numbers",)
    assert {hit.id for hit in result.hits} == {p.id for p in _adizeros(session)}
    assert relaxed_note(result.relaxed) == "Here are the closest matches without the model number:"


def test_asking_about_a_product_by_name_never_answers_about_another_number(session):
    """ "Adidas Adizero SL 27" was answered about "SL 4": a named number must be in the answer's name."""
    checked = 0
    for product in session.scalars(select(Product)):
        numbers = _numbers(product.name)
        if not numbers:
            continue
        text = f"how much is the {product.name}?"
        found, _query = find_referenced_product(session, text=text, shown=None, current=None)
        if found is not None:
            checked += 1
            assert set(numbers) <= set(_numbers(session.get(Product, found).name)), product.name
    assert checked >= 10


def _drop(query, name):
    if name == "price":
        return replace(query, price_min=None, price_max=None)
    if name == "model_numbers":
        return replace(query, keywords=tuple(k for k in query.keywords if not is_model_number(k)))
    return replace(query, **{name: ()})


@pytest.mark.parametrize(
    "text",
    ["red dress size S under 50", "lol ok so my wife wants a black leather jacket", "watches under $1",
     "purple nike hoodie size XS under 20", "red adizero sl 27", "waterproof leather boots size 36 under 30"],
)
def test_only_filters_that_had_to_go_are_reported_dropped(session, text):
    result = find_products(session, text=text)
    assert result.hits
    for name in result.relaxed:
        kept_back = result.query
        for other in result.relaxed:
            if other != name:
                kept_back = _drop(kept_back, other)
        again = search_products(session, query=kept_back)
        assert again.relaxed or not again.hits, f"{name} did not need dropping for {text!r}"


def test_the_summary_shows_keywords_next_to_the_category(session, parse):
    vocab = parser_for(session).vocab
    summary = query_summary(parse("black leather jacket"), vocab.category_names, vocab.brand_names)
    assert summary == "black leather jackets"


@pytest.mark.parametrize("text", [
    "too expensive, got anything cheaper?",
    "those are a bit pricey for me - anything cheaper?",
    "hmm a tad dear, anything less expensive?",
    "that's a lot to spend, something cheaper?",
    "bit costly tbh, cheaper ones?",
    "out of my budget tbh, anything else?",
])
def test_saying_the_last_list_cost_too_much_is_a_cheaper_refinement(parse, text):
    query = parse(text)
    assert query.keywords == () and query.sort == "price"
    assert is_follow_up(query)


def test_price_talk_never_names_a_product(parse):
    query = parse("show me expensive watches")
    assert query.keywords == () and query.categories


def _inner_fragments(session, parse, count=3):
    """Letter runs found only inside the catalog's words ("emi" of "premium"), never starting
    one, and read as themselves (not lemmatised into something else)."""
    words = sorted(product_words(session)[0] | product_words(session)[1])
    found = []
    for word in words:
        if not word.isalpha() or len(word) < 7:
            continue
        fragment = word[2:5]
        if (not any(w.startswith(fragment) for w in words) and fragment not in found
                and parse(f"is {fragment} available").keywords == (fragment,)):
            found.append(fragment)
        if len(found) == count:
            return found
    return found


def test_a_word_found_only_inside_catalog_words_names_no_product(session, parse):
    """Issue 17, item 9: "Is EMI available" named the "Premium" yoga mat by three of its letters."""
    fragments = _inner_fragments(session, parse)
    assert len(fragments) == 3
    for fragment in fragments:
        text = f"is {fragment} available"
        query = parse(text)
        assert fragment in query.absent, (fragment, query)
        assert find_referenced_product(session, text=text, shown=None, current=None)[0] is None, fragment
        assert find_products(session, text=f"do you sell {fragment}").hits == (), fragment
    assert find_referenced_product(session, text="is emi available", shown=None, current=None)[0] is None


def test_the_start_of_a_catalog_word_is_never_absent(session, parse):
    """A visitor typing the start of a catalog word ("hood" for "hoodie") still searches for it."""
    words = sorted(w for w in product_words(session)[0] if w.isalpha() and len(w) >= 8)[:40]
    assert words
    for word in words:
        assert parse(f"do you sell {word[:5]}").absent == (), word
