"""How close a product's name is to the words of a question.

"kanken" names the Kanken line: of "Fjallraven Kanken" and "Fjallraven Kanken Mini Hip Pack"
it means the first, unless the visitor also says "mini" or "hip pack". Each word of a name
the visitor did not say counts against the name. Its brand's and category's words
("Fjallraven", "Backpack"), and words such as "Men's", only say what the product is, so
they count against it only when two names are otherwise alike ("Frontier Jeans" before
"Frontier Denim Jeans" for "frontier jeans").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.keywords import FILLER
from bot.catalog.query import ProductQuery
from bot.catalog.terms import WORD, words_of
from bot.models import Brand, Category


def _stem(word: str) -> str:
    """The word without a plural "s": "boots" and "boot" are one word here."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _stems(texts: Iterable[str]) -> frozenset[str]:
    return frozenset(_stem(w) for w in words_of(texts))


_ANY_PRODUCT = _stems(FILLER)  # "Men's", "Unisex", "New"
# Words of a question that say nothing of a name even when it has them ("is the ...": "The North Face").
_CHAT = _stems(STOP_WORDS)


@dataclass(frozen=True, slots=True)
class Asked:
    """The words of a question, as a name's words are compared with them."""

    words: frozenset[str]  # said as they are ("pink", "2", "trainers")
    starts: tuple[str, ...]  # keywords, which match the start of a word ("hood": "Hoodie")


def asked_words(query: ProductQuery) -> Asked:
    """The words ``query`` was read from, typos corrected, and its keywords; chat left out."""
    keywords = _stems(query.keywords)
    words = (_stems([query.text, *query.corrections.values()]) - _CHAT) | keywords
    return Asked(words=words, starts=tuple(sorted(w for w in keywords if len(w) > 2)))


@dataclass(frozen=True)
class GenericWords:
    """The words of each brand's and category's names (and category synonyms): a name's
    words that only say what the product is."""

    brands: dict[int, frozenset[str]] = field(default_factory=dict)
    categories: dict[int, frozenset[str]] = field(default_factory=dict)

    def of(self, brand_id: int, category_id: int) -> frozenset[str]:
        """The words a name of this brand and category may have without their counting against it."""
        return self.brands.get(brand_id, frozenset()) | self.categories.get(category_id, frozenset()) | _ANY_PRODUCT


def generic_words(session: Session) -> GenericWords:
    """The words of every brand's and category's names (two small reads)."""
    brands = {row.id: _stems([row.name]) for row in session.execute(select(Brand.id, Brand.name))}
    categories = {row.id: _stems([row.name, row.synonyms.replace(",", " ")])
                  for row in session.execute(select(Category.id, Category.name, Category.synonyms))}
    return GenericWords(brands=brands, categories=categories)


def closeness(name: str, asked: Asked, generic: frozenset[str]) -> tuple[int, int, int]:
    """A sort key, smallest for the name closest to what was asked: the name's words not
    asked for (its brand, category and words such as "Men's" left out), then the more of
    its words asked for, then the fewer words it has."""
    extra = said = 0
    words = [_stem(w) for w in WORD.findall(name.lower())]
    for word in words:
        if word in asked.words or word.startswith(asked.starts):
            said += 1
        elif word not in generic and not (len(word) == 1 and word.isalpha()):
            extra += 1
    return extra, -said, len(words)
