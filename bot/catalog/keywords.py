"""Search keywords: the words of a question that the catalog's own text uses.

A word narrows a search only if some product name or description uses it (or its
lemma, or the catalog word it is a typo of); chat ("hiii", "hunting for", "for my
son") is left out however it is spelt, with no list of it to keep up to date. Model
numbers are read with the name they belong to ("adizero sl 27", "levis 501").
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from rapidfuzz import fuzz, process
from spacy.lookups import Table
from spacy.tokens import Doc

from bot import german
from bot.catalog.terms import WORD

CHEAP = {"cheap", "cheapest", "budget", "affordable", "inexpensive", "cheaper", "lowest"} | german.CHEAP_WORDS
# Talk about a price being too high: never a product word ("too expensive", "a bit pricey").
PRICE_TALK = {"expensive", "pricey", "pricy", "pricier", "costly", "dear", "overpriced", "spend", "spending",
              "afford", "priced", "prices"}
# Saying the last list cost too much: the visitor wants the same, cheaper ("a bit pricey for me",
# "out of my budget", "less expensive", "that's a lot to spend"). Read as a refinement.
CHEAPER_TALK = re.compile(
    r"\b(?:too|bit|little|tad|so|quite|rather|very|kinda|kind of|way|less|over|out of)\b(?:\s+\w+){0,2}?\s+"
    r"(?:expensive|pricey|pricy|costly|dear|budget|price range)\b|\boverpriced\b|\bcan'?t afford\b|"
    r"\bspend less\b|\blot to spend\b|\bcheaper\b|"
    r"\bzu teuer\b|\b(?:etwas |was )?(?:g(?:ü|ue)nstiger|billiger)(?:es)?\b",
    re.I,
)
# Chat words that carry no product meaning but that the catalog's text or the lemma table
# could turn into one ("bit" is a form of "bite"; "hmm", "tad", "tbh" name nothing).
CHAT = {"hmm", "hm", "hmmm", "tad", "bit", "lot", "tbh", "imo", "choice", "choices", "abit", "kinda"}
TOP = {"best", "top", "popular", "rated", "bestselling", "bestseller"} | german.TOP_WORDS
# Since keywords must be catalog words, this list only matters for words a shop
# question uses without meaning where the catalog's text may use them too ("find",
# "look", "pair", "size", "product", "item", "new", "one", "hi" as in hi-tops, "thanks"
# as in "thanks to"), and for chat that must not be read as the thing asked for when a
# message names nothing else ("anything cheap pls?", see ``KeywordReader.read``).
FILLER = {
    "show", "find", "want", "need", "look", "looking", "have", "got", "buy", "get", "something",
    "anything", "pair", "pairs", "please", "pls", "plz", "size", "price", "dollar", "dollars", "buck",
    "bucks", "euro", "euros", "product", "products", "item", "items", "stuff", "thing", "things",
    "hi", "hello", "hey", "store", "shop", "sell", "selling", "stock", "available", "recommend",
    "option", "options", "new", "good", "nice", "like", "would", "could", "one", "ones", "kind",
    "also", "maybe", "really", "u", "ya", "yo", "lol", "thanks", "thank", "search", "searching",
    "cost", "costs", "money", "usd", "eur", "gbp", "rated", "color", "colour", "under", "less",
    "more", "than", "between", "around", "about", "max", "min", "waist", "man", "men", "mens",
    "woman", "women", "womens", "kid", "kids", "unisex", "sale", "carry", "stuffs", "much",
    "instead", "else", "come", "comes", "sizes", "colors", "colours",
    "hiya", "heya", "howdy", "greetings", "morning", "afternoon", "evening", "guys", "folks",
} | CHEAP | TOP | PRICE_TALK | CHAT | german.CHAT_WORDS
# Chat phrases whose words a catalog may use with a meaning ("hunting boots", "hang loop",
# "quick-dry", "Capilene Cool"): removed as phrases before the words are looked at.
ASIDES = re.compile(
    r"\b(?:(?:hunting|shopping|searching|looking)(?:\s+around)?\s+for|on the hunt for|hang on|hold on|"
    r"by the way|quick question|(?:ok(?:ay)?|cool)(?:,?\s+cool)+|cool,? thanks?)\b",
    re.I,
)
# Price and size expressions are replaced by this mark, so a word next to one is known
# to be qualified by it ("xylophones under $30").
MARK = "¶"
# Words between a word and the filter qualifying it: "dresses in red", "shoes for under $50".
_LINKS = {"in", "for", "from", "by", "at"}
_QUALIFIERS = ("color", "brand")


def is_model_number(keyword: str) -> bool:
    """A keyword naming one model exactly, matched as whole words of a name: a number or
    code ("27", "1000xm4", "gbd 200") or a one- or two-letter part of one ("sl")."""
    return len(keyword) <= 2 or any(ch.isdigit() for ch in keyword)


class Words(NamedTuple):
    """What a question's words are to a search."""

    keywords: tuple[str, ...]  # restrict the matches
    hints: tuple[str, ...]  # only order them
    ignored: tuple[str, ...]  # not used by the catalog: left out
    # Keywords asked for that no word of the catalog's text starts with ("emi" is only inside
    # "premium"): searched for, they can only match by accident, so nothing has them.
    absent: tuple[str, ...] = ()


class _Lexicon:
    """A set of words that also knows their lemmas ("hikes" is in it through "hike")."""

    def __init__(self, words: frozenset[str], lemmas: Table) -> None:
        self.words = words
        self._lemmas = frozenset(lemmas.get(w, w) for w in words)

    def has(self, word: str, lemma: str) -> bool:
        return word in self.words or lemma in self._lemmas


class KeywordReader:
    """Reads the keywords of a question against the words of the catalog's text."""

    def __init__(self, name_words: frozenset[str], words: frozenset[str], lemmas: Table) -> None:
        self._names = _Lexicon(name_words, lemmas)
        self._all = _Lexicon(name_words | words, lemmas)
        self._lemmas = lemmas
        # Typo candidates by first letter and length, so a correction compares a word
        # with a few hundred catalog words, not all of them (100,000s at 100k products).
        self._spellings: dict[tuple[str, int], list[str]] = {}
        for w in sorted(self._all.words):
            if w.isalpha() and len(w) >= 4:
                self._spellings.setdefault((w[0], len(w)), []).append(w)
        self._english = frozenset(lemmas.values())
        self._sorted = sorted(self._all.words)

    def begins_a_word(self, text: str) -> bool:
        """Whether some word of the catalog's text starts with ``text`` ("hood": "hoodie")."""
        i = bisect.bisect_left(self._sorted, text)
        return i < len(self._sorted) and self._sorted[i].startswith(text)

    def is_known(self, word: str) -> bool:
        """A word of the catalog's text or of English, so no typo ("hunting", "thinking")."""
        return self._all.has(word, self._lemmas.get(word, word)) or word in self._lemmas or word in self._english

    def correction(self, word: str, cutoff: float) -> str | None:
        """The word of the catalog's text ``word`` is a typo of ("waterprof"), if any."""
        candidates = [w for n in range(len(word) - 2, len(word) + 3) for w in self._spellings.get((word[0], n), ())]
        hit = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=cutoff)
        return hit[0] if hit else None

    def read(self, doc: Doc, labels: dict[int, str], filtered: bool) -> Words:
        """The keywords of ``doc``, the words that only order the matches, and the ones left out.

        ``labels`` marks the tokens read as a category, brand or colour; ``filtered`` says
        whether the text names a colour, brand, size or price.

        A keyword is a word of the product names (as its lemma), or a model number right
        after one ("adizero sl 27") or one the names have ("1000xm4", "levis 501"). A word
        only the descriptions use orders the matches ("breathable"), unless the text names
        nothing else ("anything breathable?"): then it is a keyword. A word the catalog does
        not use is left out ("hunting", "hiii", "son"), unless the text names no category
        and no catalog word: then it is what the visitor asks for if it is all the text
        names ("do you sell xylophones?") or a filter qualifies it ("red dress",
        "xylophones under $30").
        """
        items = list(self._items(doc, labels))
        kinds = {start: kind for start, _end, kind, _value in items}
        values = {start: value for start, _end, _kind, value in items}
        previous = {end: start for start, end, _kind, _value in items}  # the item ending where one starts
        kept: set[int] = set()
        for start, end, kind, value in items:
            before = previous.get(start)
            if kind == "word" or kind == "short" and (before in kept or kinds.get(end) == "number"):
                kept.add(start)
            elif kind == "number" and (
                before in kept
                or all(part in self._names.words for part in value.split())
                and (not value.isdigit() or labels.get(start - 1) == "brand" and len(value) > 1)
            ):
                kept.add(start)
        named = bool(kept) or "category" in labels.values()
        hints = {start for start, kind in kinds.items() if kind == "hint"}
        asked: set[int] = set()
        if not named and not hints:
            for start, end, kind, _value in items:
                if kind == "unknown" and (
                    not filtered or previous.get(start) in asked or _qualified(doc, labels, start, end)
                ):
                    asked.add(start)
        if not named and not filtered:
            kept |= hints
            hints = set()
        ignored = [doc[start].lower_ for start, kind in kinds.items() if kind == "unknown" and start not in asked]
        absent = [values[i] for i in sorted(asked) if not self.begins_a_word(values[i])]
        return Words(
            keywords=tuple(dict.fromkeys(values[i] for i in sorted(kept | asked))),
            hints=tuple(dict.fromkeys(values[i] for i in sorted(hints))),
            ignored=tuple(dict.fromkeys(ignored)),
            absent=tuple(dict.fromkeys(absent)),
        )

    def _form(self, word: str, lemma: str) -> str:
        """The form to search for: the lemma ("boots" -> "boot") unless the lookup table
        gives an unrelated word ("crew" -> "crow", "better" -> "well") the catalog lacks."""
        words = self._all.words
        if lemma == word or lemma in words and lemma[:3] == word[:3]:
            return lemma
        return word if word in words else lemma

    def _items(self, doc: Doc, labels: dict[int, str]):
        """(start, end, kind, value) of the words the matchers left: "word" (of the product
        names), "short" (one of one or two letters), "hint" (of the descriptions only),
        "number" (a run of characters with a digit: "27", "5mm", "gbd-200") or "unknown"."""
        i = 0
        while i < len(doc):
            token = doc[i]
            if i in labels or token.is_punct or token.is_space:
                i += 1
                continue
            end = i + 1
            while end < len(doc) and not doc[end - 1].whitespace_ and end not in labels and doc[end].text != MARK:
                end += 1
            run = doc[i:end].text.lower()
            if any(ch.isdigit() for ch in run):
                yield i, end, "number", " ".join(WORD.findall(run))
                i = end
                continue
            word, lemma = token.lower_, token.lemma_.lower()
            if token.is_alpha and not token.is_stop and word not in FILLER and lemma not in FILLER:
                if self._names.has(word, lemma):
                    yield (i, i + 1, "word", self._form(word, lemma)) if len(word) > 2 else (i, i + 1, "short", word)
                elif len(word) <= 2:
                    pass
                elif self._all.has(word, lemma):
                    yield i, i + 1, "hint", self._form(word, lemma)
                else:
                    yield i, i + 1, "unknown", lemma
            i += 1


def _qualified(doc: Doc, labels: dict[int, str], start: int, end: int) -> bool:
    """Is the word a filter qualifies: "red dress", "dress under $50", "dress in red"?"""
    if labels.get(start - 1) in _QUALIFIERS:
        return True
    if end < len(doc) and doc[end].lower_ in _LINKS:
        end += 1
    return end < len(doc) and (doc[end].text == MARK or labels.get(end) in _QUALIFIERS)
