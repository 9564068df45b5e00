"""bot.orders.deadlines: by-a-day questions, and whether they name an order already placed."""

import pytest

from bot.orders.deadlines import asks_before_ordering, asks_by_a_day, names_an_order

BEFORE_ORDERING = [
    "can it get here before christmas?", "will this arrive by friday", "in time for my birthday?",
    "need it for my sister's birthday, can it come by the 20th?", "by dec 23?", "before the weekend?",
    "can it arrive by the 24th", "any chance it's here for xmas", "kommt es noch vor Weihnachten an?",
    "schafft ihr das bis Freitag?", "rechtzeitig zu meinem Geburtstag?",
]
ABOUT_AN_ORDER = [
    "where is my order? I need it by friday", "I ordered last week, will it come before xmas",
    "will my parcel arrive before christmas", "order 100234 - here by monday?",
    "wo ist meine Bestellung, brauche sie bis Freitag", "ich habe bestellt, kommt es vor Ostern?",
]
NO_DAY = ["do you have running shoes", "how long does shipping take", "where is my order", "wann kommt mein Paket",
          "bye", "", None, "I'm looking for a birthday present", "ideas for my wife's birthday present?"]


@pytest.mark.parametrize("text", BEFORE_ORDERING)
def test_by_a_day_questions_without_an_order_are_before_ordering(text):
    assert asks_by_a_day(text) and not names_an_order(text) and asks_before_ordering(text)


@pytest.mark.parametrize("text", ABOUT_AN_ORDER)
def test_by_a_day_questions_that_name_an_order_are_about_it(text):
    assert asks_by_a_day(text) and names_an_order(text) and not asks_before_ordering(text)


@pytest.mark.parametrize("text", NO_DAY)
def test_questions_without_a_day_are_neither(text):
    assert not asks_before_ordering(text)
