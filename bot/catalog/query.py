"""Query understanding for product questions, with spaCy and fuzzy matching.

A blank English pipeline with the lookup lemmatizer (spacy-lookups-data) gives
lemmas ("shoes" -> "shoe", "running" -> "run"); phrase matchers built from the
catalog's own words find categories, brands and colours; rapidfuzz corrects
typos against the same words; price and size expressions are parsed apart; the
other words are keywords only if the catalog uses them (keywords.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

import spacy
from rapidfuzz import fuzz, process
from spacy.matcher import PhraseMatcher
from spacy.tokens import Span
from spacy.util import filter_spans

from bot.catalog.keywords import ASIDES, CHEAP, CHEAPER_TALK, FILLER, MARK, TOP, KeywordReader
from bot.catalog.prices import parse_price
from bot.catalog.vocabulary import Vocabulary

_SIZE_WORDS = {"small": "S", "medium": "M", "large": "L", "extra large": "XL", "x large": "XL"}
_SIZE_PATTERNS = (
    re.compile(r"\bsize\s*(?:eu\s*|us\s*|uk\s*)?(\d{2}(?:[.,]5)?)\b", re.I),
    # A space before a letter size: "sizes" is not "size S".
    re.compile(r"\bsize\s+(?:eu\s*|us\s*|uk\s*)?(xxs|xs|s|m|l|xl|xxl|extra large|small|medium|large)\b", re.I),
    re.compile(r"\b(\d{2})\s*(?:waist|w)\b", re.I),
    re.compile(r"\bw(\d{2})\b", re.I),
    re.compile(r"\b(xxs|xs|xl|xxl)\b", re.I),
    re.compile(r"\bin (small|medium|large|extra large)\b", re.I),
    # German: "Größe 42", "Gr. 42", "größe M".
    re.compile(r"\b(?:gr(?:ö|oe|o)(?:ß|ss)e|gr\.?)\s*(?:eu\s*)?(\d{2}(?:[.,]5)?|xxs|xs|s|m|l|xl|xxl)\b", re.I),
)
# "top" is also a word for T-shirts: in these phrases it ranks, it names no category.
_RANKING = re.compile(r"\btop[\s-]*(?:rated|ranked|reviewed|sellers?|selling|picks?|\d+)\b", re.I)


@dataclass(frozen=True)
class ProductQuery:
    """What a visitor asked for, in catalog terms."""

    text: str
    categories: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    colors: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    # Words of the product names ("waterproof", "adizero"), and model numbers ("27" in
    # "adizero sl 27"), which a product's name must contain (``keywords.is_model_number``).
    keywords: tuple[str, ...] = ()
    sort: str = "relevance"  # relevance | price | rating | name (the closest name first: search.py)
    corrections: dict[str, str] = field(default_factory=dict)
    # Words only product descriptions use ("breathable"): they order the matches.
    hints: tuple[str, ...] = ()
    # Words the catalog does not use, left out of the search ("hunting", "hiii", "son").
    ignored: tuple[str, ...] = ()
    # Keywords asked for that no word of the catalog starts with: no product has them
    # ("is emi available?" must not find the "Premium" yoga mat by its letters).
    absent: tuple[str, ...] = ()
    # Says the list just shown costs too much ("anything cheaper?", "a bit pricey for me"):
    # a follow-up asking for products cheaper than those (``refine.refine``).
    cheaper: bool = False

    @property
    def is_empty(self) -> bool:
        """True when nothing in the text names a product, filter or keyword."""
        return not (
            self.categories or self.brands or self.colors or self.sizes or self.keywords
            or self.price_min is not None or self.price_max is not None
        )

    @property
    def names_product(self) -> bool:
        """True when the text names what to look for (words, brand or category), not
        only filters such as a colour, size or price."""
        return bool(self.keywords or self.brands or self.categories)


def _size_value(raw: str) -> str:
    raw = raw.lower().replace(",", ".")
    return _SIZE_WORDS.get(raw, raw.upper())


class QueryParser:
    """Parses visitor text into a ``ProductQuery``; build once per vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocab = vocabulary
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        self.nlp.initialize()
        self._labels: dict[str, dict[str, object]] = {
            "category": dict(vocabulary.categories),
            "brand": dict(vocabulary.brands),
            "color": dict(vocabulary.colors),
        }
        self._lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._lemma = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        # A lemma match ("jacket" for the term "jackets") is looked up by the term's lemmas.
        self._by_lemma: dict[str, dict[str, object]] = {label: {} for label in self._labels}
        for label, terms in self._labels.items():
            names = sorted(terms)
            docs = list(self.nlp.pipe(names))
            self._lower.add(label, docs)
            self._lemma.add(label, docs)
            for name, doc in zip(names, docs):
                self._by_lemma[label].setdefault(" ".join(t.lemma_.lower() for t in doc), terms[name])
        words: set[str] = set()
        for terms in self._labels.values():
            for term in terms:
                words.update(w for w in re.split(r"[\s\-]+", term) if len(w) >= 4)
        self._words = sorted(words)
        self._word_set = frozenset(words)
        lemmas = self.nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        self._keywords = KeywordReader(vocabulary.name_words, vocabulary.words, lemmas)

    def _correct(self, text: str) -> tuple[str, dict[str, str]]:
        """Replace misspelt words by the catalog word they most resemble.

        Category, brand and colour words first, then any word of the catalog's text; a
        word of the catalog or of English is no typo ("thinking" is not "hiking").
        """
        corrections: dict[str, str] = {}
        out: list[str] = []
        for token in self.nlp.make_doc(text):
            word = token.lower_
            candidate = None
            if (
                token.is_alpha and len(word) >= 4 and not token.is_stop
                and word not in self._word_set and word not in FILLER and not self._keywords.is_known(word)
            ):
                cutoff = 85 if len(word) <= 5 else 80
                hit = process.extractOne(word, self._words, scorer=fuzz.ratio, score_cutoff=cutoff)
                candidate = hit[0] if hit else self._keywords.correction(word, cutoff)
            if candidate:
                corrections[token.text] = candidate
                out.append(candidate + token.whitespace_)
            else:
                out.append(token.text_with_ws)
        return "".join(out), corrections

    def parse(self, text: str) -> ProductQuery:
        """Understand ``text`` as a product question."""
        lowered = " ".join(text.lower().split())
        price = parse_price(lowered)
        rest = lowered
        if price:
            rest = lowered[: price.span[0]] + f" {MARK} " + lowered[price.span[1]:]
        sizes: list[str] = []
        for pattern in _SIZE_PATTERNS:
            for match in pattern.finditer(rest):
                value = _size_value(match.group(1))
                if value.lower() in self.vocab.sizes or not self.vocab.sizes:
                    sizes.append(value)
            rest = pattern.sub(f" {MARK} ", rest)
        ranked = bool(_RANKING.search(rest))
        rest = _RANKING.sub(" ", rest)
        rest = " ".join(ASIDES.sub(" , ", rest).split())  # one space: no space tokens between words
        corrected, corrections = self._correct(rest)
        doc = self.nlp(corrected)
        matches = [*self._lower(doc), *self._lemma(doc)]
        spans = filter_spans([Span(doc, start, end, label=label) for label, start, end in matches])
        found: dict[str, list[str]] = {"category": [], "brand": [], "color": []}
        labels: dict[int, str] = {}
        for span in spans:
            label = span.label_
            key = span.text if span.text in self._labels[label] else span.lemma_
            value = (
                self._labels[label].get(key) or self._labels[label].get(span.text.lower())
                or self._by_lemma[label].get(" ".join(t.lemma_.lower() for t in span))
            )
            if value is None:
                continue
            values = value if isinstance(value, tuple) else (value,)
            for v in values:
                if v not in found[label]:
                    found[label].append(v)
            labels.update(dict.fromkeys(range(span.start, span.end), label))
        cheaper = bool(CHEAPER_TALK.search(lowered))  # a refinement of the last list: other words are chat
        filtered = bool(price or sizes or found["color"] or found["brand"]) or cheaper
        words_read = self._keywords.read(doc, labels, filtered)
        words = {t.lemma_.lower() for t in doc}
        sort = "price" if cheaper or words & CHEAP else "rating" if ranked or words & TOP else "relevance"
        return ProductQuery(
            text=text,
            categories=tuple(found["category"]),
            brands=tuple(found["brand"]),
            colors=tuple(found["color"]),
            sizes=tuple(dict.fromkeys(sizes)),
            price_min=price.minimum if price else None,
            price_max=price.maximum if price else None,
            keywords=words_read.keywords,
            hints=words_read.hints,
            sort=sort,
            corrections=corrections,
            ignored=words_read.ignored,
            absent=words_read.absent,
            cheaper=cheaper,
        )
