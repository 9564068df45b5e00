"""German questions in catalog terms, and the German words code puts into answers (issue 17, item 6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot import german
from bot.catalog import parser_for
from bot.catalog.prices import parse_price
from bot.formatting import day, decimal, money, relaxed_note
from bot.language import color_name, language_of, say, status_name
from bot.models import ReturnReason
from bot.returns.reasons import parse_reason


@pytest.fixture
def parse(session):
    return parser_for(session).parse


@pytest.mark.parametrize(("text", "expected"), [
    ("hast du rote Laufschuhe unter 120 €?",
     {"categories": ("running-shoes",), "colors": ("red",), "price_max": Decimal("120")}),
    ("ich suche einen grauen kapuzenpulli von nike, maximal 70 euro",
     {"categories": ("hoodies",), "brands": ("nike",), "colors": ("grey",), "price_max": Decimal("70")}),
    ("habt ihr wanderschuhe in größe 44", {"categories": ("boots",), "sizes": ("44",)}),
    ("schwarze Jacke Gr. M", {"categories": ("jackets",), "colors": ("black",), "sizes": ("M",)}),
    ("Kopfhörer zwischen 50 und 100 Euro",
     {"categories": ("headphones",), "price_min": Decimal("50"), "price_max": Decimal("100")}),
    ("weiße Sneaker ab 60 €", {"categories": ("sneakers",), "colors": ("white",), "price_min": Decimal("60")}),
])
def test_german_questions_name_the_catalogs_filters(parse, text, expected):
    query = parse(text)
    for field, value in expected.items():
        assert getattr(query, field) == value, (text, field, getattr(query, field))
    # German chat never becomes a keyword, and never a "corrected" catalog word.
    assert query.keywords == () and query.corrections == {}, (text, query.keywords, query.corrections)


def test_cheap_and_best_in_german_sort_the_list(parse):
    assert parse("zeig mir günstige Kopfhörer").sort == "price"
    assert parse("die beliebtesten Laufschuhe").sort == "rating"


@pytest.mark.parametrize(("text", "low", "high"), [
    ("unter 80 €", None, "80"), ("bis 50 Euro", None, "50"), ("höchstens 70 euro", None, "70"),
    ("ab 30 €", "30", None), ("zwischen 50 und 100 euro", "50", "100"), ("von 30 bis 60 €", "30", "60"),
    ("um die 60 euro", "48", "72"),
])
def test_german_price_expressions(text, low, high):
    found = parse_price(text)
    assert (found.minimum, found.maximum) == (low and Decimal(low), high and Decimal(high))


@pytest.mark.parametrize("text", ["bis Freitag", "Größe 42", "ab und zu"])
def test_german_words_without_an_amount_are_no_price(text):
    assert parse_price(text) is None


def test_amounts_and_dates_are_written_the_german_way():
    assert money(Decimal("1079.99"), lang="de") == "1.079,99\xa0$"
    assert money(Decimal("1079.99")) == "$1,079.99"
    assert day(date(2026, 11, 23), "de") == "Mo., 23. Nov. 2026"
    assert day(date(2026, 11, 23)) == "Mon 23 Nov 2026"
    assert day(None, "de") == "unbekannt"
    assert decimal(4.5, "de") == "4,5" and decimal(4.5) == "4.5"


def test_german_words_and_english_fallback():
    assert language_of("de") == "de" and language_of("DE-at") == "de"
    assert language_of(None) == "en" and language_of("fr") == "en"
    assert color_name("red", "de") == "Rot" and color_name("red") == "red"
    assert status_name("shipped", "de") == "unterwegs"
    assert say("{n} items", "de", n=3) == "3 Artikel"
    assert say("a phrase no table has", "de") == "a phrase no table has"
    assert relaxed_note(("sizes", "colors"), "de") == "Hier die ähnlichsten Treffer ohne Größe und Farbe:"


def test_every_colour_of_the_catalog_has_a_german_name():
    from bot.seed.vocabulary import COLORS
    assert set(COLORS) <= set(german.COLORS)
    assert set(COLORS) <= set(german.COLOR_TERMS.values())


def test_german_support_hours():
    assert german.support_hours("Mon-Fri 09:00-18:00; Sat 10:00-14:00") == \
        "Mo.–Fr. 09:00–18:00 Uhr, Sa. 10:00–14:00 Uhr"


@pytest.mark.parametrize(("text", "code"), [
    *((button, None) for button in german.REASON_BUTTONS),
    ("die Schuhe sind leider zu klein", ReturnReason.TOO_SMALL),
    ("kam kaputt an", ReturnReason.DAMAGED),
    ("hab es mir anders überlegt", ReturnReason.CHANGED_MIND),
])
def test_german_return_reasons_are_understood(text, code):
    expected = {
        "Zu klein": ReturnReason.TOO_SMALL, "Zu groß": ReturnReason.TOO_LARGE,
        "Beschädigt oder defekt": ReturnReason.DAMAGED, "Nicht wie beschrieben": ReturnReason.NOT_AS_DESCRIBED,
        "Anders überlegt": ReturnReason.CHANGED_MIND, "Anderer Grund": ReturnReason.OTHER,
    }.get(text, code)
    assert parse_reason(text) == expected
