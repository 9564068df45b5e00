"""rasa_addons.other_shops: other retailers' names become one word; other words stay as they are."""

from rasa_addons.other_shops import PLACEHOLDER, mark, pattern


def test_names_of_other_shops_become_the_placeholder_whatever_their_case():
    names = pattern()
    assert mark("where is my ASOS order", names) == f"where is my {PLACEHOLDER} order"
    assert mark("kann ich bei H&M in Raten zahlen", names) == f"kann ich bei {PLACEHOLDER} in Raten zahlen"
    assert mark("was kostet das bei Media Markt?", names) == f"was kostet das bei {PLACEHOLDER}?"
    assert mark("my amazon's parcel", names) == f"my {PLACEHOLDER}'s parcel"


def test_words_that_merely_contain_a_name_are_left_alone():
    names = pattern()
    for text in ("is the ottoman in stock", "pottery class", "hm not sure", "amazonite bracelet", "order 100452"):
        assert mark(text, names) == text


def test_the_shops_own_brands_are_kept():
    names = pattern(keep=["Decathlon"])
    assert mark("decathlon running shorts", names) == "decathlon running shorts"
    assert mark("amazon running shorts", names) == f"{PLACEHOLDER} running shorts"
    assert pattern(names=["ikea"], keep=["IKEA"]) is None and mark("ikea", None) == "ikea"
