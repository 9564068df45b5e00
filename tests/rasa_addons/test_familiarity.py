"""rasa_addons.familiarity: which messages count as made of known words."""

from __future__ import annotations

import pytest

from rasa_addons.familiarity import Vocabulary, scaled_confidence, words_of
from scripts.known_words import english_words

TRAINED = ["where", "is", "my", "order", "running", "shoes", "cheap", "nike", "refund", "hoodie", "t-shirt"]


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary(TRAINED, english_words())


def test_words_leave_out_digits_and_punctuation():
    assert words_of("Where's my ORDER #100001?!") == ["where's", "my", "order"]
    assert words_of("t-shirt, size XL") == ["t-shirt", "size", "xl"]


@pytest.mark.parametrize("text", ["blorp snargle", "qwfp zxcv jklm", "xq zv kj pw", "asdfgh jkl", "zzzzz"])
def test_gibberish_is_unfamiliar(vocabulary, text):
    found = vocabulary.familiarity(text)
    assert found.share == 0.0
    assert set(found.unknown) == set(text.split())


@pytest.mark.parametrize("text", [
    "wher is my ordr",          # one typo per trained word
    "cheap runing shoos",
    "refnud please",
    "do you sell umbrellas",    # not in training, but English
    "hoodies",                  # plural of a trained word
])
def test_typos_and_english_words_are_familiar(vocabulary, text):
    assert vocabulary.familiarity(text).share == 1.0


def test_order_numbers_emails_and_sizes_count_as_known(vocabulary):
    assert vocabulary.familiarity("100001").share == 1.0
    assert vocabulary.familiarity("emma@example.com 100001 blorp").share == pytest.approx(2 / 3)


def test_a_message_without_words_is_left_alone(vocabulary):
    assert vocabulary.familiarity("?!").share == 1.0
    assert vocabulary.familiarity("\U0001F44D").share == 1.0


def test_short_words_need_an_exact_match():
    vocabulary = Vocabulary(TRAINED)
    # one typo away from a two- or three-letter word is almost any word
    assert vocabulary.knows("my")
    assert not vocabulary.knows("mx")
    assert not vocabulary.knows("iz")


def test_the_lexicon_is_not_matched_fuzzily():
    vocabulary = Vocabulary(["order"], ["table"])
    assert vocabulary.knows("tables")       # inflection of an English word
    assert not vocabulary.knows("tablx")    # one typo from an English word, not from a trained one
    assert vocabulary.knows("ordxr")


def test_confidence_is_scaled_only_below_the_share():
    assert scaled_confidence(0.9, 0.0, 0.5) == 0.0
    assert scaled_confidence(0.9, 1 / 3, 0.5) == pytest.approx(0.3)
    assert scaled_confidence(0.9, 0.5, 0.5) == 0.9
    assert scaled_confidence(0.9, 1.0, 0.5) == 0.9


def test_english_words_come_from_spacys_tables_without_the_web_debris():
    words = english_words()
    assert len(words) > 50_000
    assert {"umbrella", "tomorrow", "wobble", "the"} <= words
    assert not {"blorp", "qwertyuiop", "fnord", "asdf"} & words


@pytest.mark.parametrize("word", ["hiii", "humaaan", "wherrre", "refundd"])
def test_letters_drawn_out_are_read_as_the_word(word):
    assert Vocabulary(TRAINED + ["hi", "human"]).knows(word)


@pytest.mark.parametrize("word", ["hhhhhhhh", "zzzzzz", "lllllllk"])
def test_one_letter_held_down_is_no_word(vocabulary, word):
    assert not vocabulary.knows(word)


def test_words_written_together_are_known_when_each_part_is():
    vocabulary = Vocabulary(["versand", "zoll", "pay", "apple", "größe"], ["dauer", "einfuhr", "tabelle"])
    for word in ("versanddauer", "einfuhrzoll", "größentabelle", "versandzolldauer"):
        assert vocabulary.knows(word), word
    # parts of fewer than four letters do not make a compound: "pro" and "pet" would make words of anything
    assert not Vocabulary(["pro", "glom"], ["pet", "dent"]).knows("glompet")
    assert not vocabulary.knows("applepay")


@pytest.mark.parametrize("word", ["zibberflonk", "drevolinth", "sdfkjhsdf", "qweqweqwe", "xcvbxcvb"])
def test_gibberish_does_not_split_into_words(vocabulary, word):
    assert not vocabulary.knows(word)
