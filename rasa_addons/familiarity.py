"""How much of a message is made of words the assistant knows (no Rasa imports).

Why: an intent classifier's confidence says which known intent a message is closest to,
not whether the message is like anything it was trained on. With enough training
data it reads "blorp snargle" as a product search at 0.9, so gibberish never
reaches the "did you mean ...?" fallback. Counting the words the assistant has
seen (training data, synonyms) or that are English (a word list) gives the
missing signal: a message of words nobody knows is not understood, however
confident the classifier is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# A word: two or more letters, optionally joined by an apostrophe or hyphen ("don't",
# "t-shirt"). Single letters ("a", "I", "k" for ok, "l;odrm" typed one key off) say
# nothing either way.
_WORD = re.compile(r"[^\W\d_]{2,}(?:['\u2019-][^\W\d_]+)*|[^\W\d_](?:['\u2019-][^\W\d_]+)+")
# Tokens with a digit or an @ are order numbers, sizes, prices or emails: never gibberish.
_ANCHOR = re.compile(r"[\d@]")
# Shorter words must match exactly: one edit away from a 3-letter word is almost any word.
FUZZY_MIN_LENGTH = 4
_SUFFIXES = ("'s", "s", "es", "ing", "ed")
_REPEAT = re.compile(r"(\w)\1+")  # a letter written twice or more
_RUN = re.compile(r"(\w)\1{2,}")  # three times or more


def words_of(text: str) -> list[str]:
    """The lower-case words of a text, digits and punctuation left out."""
    return [w.lower().replace("\u2019", "'") for w in _WORD.findall(text)]


def _squeezed(word: str) -> set[str]:
    """`word` with each run of a repeated letter cut to two and to one ("hiii": "hii", "hi"),
    forms of two different letters or more only ("hhhh" is no "hh"); empty when no letter repeats."""
    if not _REPEAT.search(word):
        return set()
    forms = {_RUN.sub(r"\1\1", word), _REPEAT.sub(r"\1", word)} - {word}
    return {f for f in forms if len(set(f)) >= 2}


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


@dataclass(frozen=True)
class Familiarity:
    """The share of a message's words the assistant knows, and the ones it does not."""

    share: float
    unknown: tuple[str, ...]


class Vocabulary:
    """Words seen in training (matched with one typo allowed) plus an English word list (exact)."""

    def __init__(self, trained: Iterable[str], lexicon: Iterable[str] = ()) -> None:
        self.trained = frozenset(w for w in trained if w)
        self.lexicon = frozenset(w for w in lexicon if w) - self.trained
        # Symmetric-delete index: two words are at most one edit apart (insertion,
        # deletion or substitution) when one equals the other, or one of them minus
        # one letter equals the other or the other minus one letter.
        self._deleted: frozenset[str] = frozenset(
            d for w in self.trained if len(w) >= FUZZY_MIN_LENGTH - 1 for d in _deletes(w)
        )

    def knows(self, word: str) -> bool:
        """True for a known word, an inflection of one, a trained word with one typo, a word
        with letters drawn out ("hiii", "humaaan") or a compound of known words
        ("versanddauer", "einfuhrzoll"), as German writes and chat runs words together."""
        return self._knows(word) or any(w in self.trained or len(w) >= 4 and self._knows(w) for w in _squeezed(word)) \
            or self._compound(word, 2)

    def _exact(self, word: str) -> bool:
        return word in self.trained or word in self.lexicon

    def _part(self, word: str) -> bool:
        """A part of a compound: a known word of four letters or more (shorter ones, "pro" or
        "pet", make random letters look like words: "proident", "glompet"), or such a word with
        a German linking "s", "n" or "en" ("versand-s-", "größe-n-")."""
        if len(word) >= 4 and self._exact(word):
            return True
        return any(word.endswith(link) and len(word) - len(link) >= 4 and self._exact(word[: -len(link)])
                   for link in ("s", "n", "en"))

    def _compound(self, word: str, parts: int) -> bool:
        """`word` is two (or, with `parts` 2, three) known words written together."""
        if len(word) < 8 or not word.isalpha():
            return False
        for cut in range(4, len(word) - 3):
            head, tail = word[:cut], word[cut:]
            if self._part(head) and (self._part(tail) or parts > 1 and self._compound(tail, parts - 1)):
                return True
        return False

    def _knows(self, word: str) -> bool:
        if self._exact(word):
            return True
        for suffix in _SUFFIXES:
            stem = word[: -len(suffix)]
            if word.endswith(suffix) and len(stem) >= 2 and (stem in self.trained or stem in self.lexicon):
                return True
        if len(word) < FUZZY_MIN_LENGTH:
            return False
        deletes = _deletes(word)
        return bool(word in self._deleted or deletes & self.trained or deletes & self._deleted)

    def familiarity(self, text: str) -> Familiarity:
        """Share of known words in a text; a text without words (digits, emoji) counts as familiar."""
        tokens = text.split()
        anchors = sum(1 for t in tokens if _ANCHOR.search(t))
        found = [w for t in tokens if not _ANCHOR.search(t) for w in words_of(t)]
        if not found and not anchors:
            return Familiarity(1.0, ())
        unknown = tuple(w for w in found if not self.knows(w))
        total = len(found) + anchors
        return Familiarity((total - len(unknown)) / total, unknown)


def scaled_confidence(confidence: float, share: float, min_share: float) -> float:
    """The classifier's confidence, scaled down by the known share when it is below `min_share`."""
    return confidence * share if share < min_share else confidence
