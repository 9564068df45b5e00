"""Entity markup as in Rasa's training data: "red [nike](brand) shoes" <-> text and entity spans."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.transcripts.masking import mask_text, mask_with_alignment, original_offset

_ANNOTATION = re.compile(r"\[([^\[\]\n]+)\]\(([A-Za-z_][A-Za-z0-9_\-]*)\)")
MAX_TEXT_CHARS = 2000


class InvalidMarkup(ValueError):
    """The markup is not the message with [words](entity) marks; the message says why."""


@dataclass(frozen=True, slots=True)
class Span:
    """An entity over ``text[start:end]``."""

    start: int
    end: int
    entity: str

    def as_dict(self, text: str) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "value": text[self.start:self.end], "entity": self.entity}


def clean_spans(text: str, spans: Iterable[Span]) -> list[Span]:
    """Spans inside ``text``, non-empty, ordered, without overlaps (the earlier one wins)."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if 0 <= span.start < span.end <= len(text) and text[span.start:span.end].strip():
            if not kept or span.start >= kept[-1].end:
                kept.append(span)
    return kept


def to_markup(text: str, spans: Iterable[Span], *, transform: Callable[[str], str] = lambda s: s) -> str:
    """``text`` with ``[span](entity)`` around each entity; ``transform`` rewrites every piece (masking)."""
    out: list[str] = []
    position = 0
    for span in clean_spans(text, spans):
        out.append(transform(text[position:span.start]))
        out.append(f"[{transform(text[span.start:span.end])}]({span.entity})")
        position = span.end
    out.append(transform(text[position:]))
    return "".join(out)


def masked_markup(text: str, spans: Iterable[Span]) -> str:
    """The markup an agent may see: personal data hidden, entities kept."""
    return to_markup(text, spans, transform=lambda piece: mask_text(piece) or "")


def parse_markup(markup: str, *, entities: Iterable[str]) -> tuple[str, list[Span]]:
    """The plain text and entity spans of ``markup``; unknown entities and stray brackets are refused."""
    known = set(entities)
    text_parts: list[str] = []
    spans: list[Span] = []
    position, length = 0, 0
    for match in _ANNOTATION.finditer(markup):
        before = markup[position:match.start()]
        _refuse_brackets(before)
        text_parts.append(before)
        length += len(before)
        value, entity = match.group(1), match.group(2)
        if entity not in known:
            raise InvalidMarkup(f"unknown entity {entity!r}; use one of: {', '.join(sorted(known))}")
        spans.append(Span(start=length, end=length + len(value), entity=entity))
        text_parts.append(value)
        length += len(value)
        position = match.end()
    rest = markup[position:]
    _refuse_brackets(rest)
    text_parts.append(rest)
    return "".join(text_parts), spans


def _refuse_brackets(piece: str) -> None:
    if "[" in piece or "]" in piece:
        raise InvalidMarkup("write entities as [words](entity); the brackets do not match that")


def spans_for_original(markup: str, *, original: str, masked: bool, entities: Iterable[str]) -> list[Span]:
    """Entity spans over ``original`` from markup written over it (or over its masked form)."""
    if len(markup) > MAX_TEXT_CHARS:
        raise InvalidMarkup("the message is too long")
    plain, spans = parse_markup(markup.strip(), entities=entities)
    if not masked:
        if plain.strip() != original.strip():
            raise InvalidMarkup("the message's words must stay as they are; only add or remove [..](entity) marks")
        offset = original.index(plain.strip()) if plain.strip() else 0
        shift = offset - (len(plain) - len(plain.lstrip()))
        return clean_spans(original, [Span(s.start + shift, s.end + shift, s.entity) for s in spans])
    shown, replaced = mask_with_alignment(original)
    if plain.strip() != shown.strip():
        raise InvalidMarkup("the message's words must stay as they are; only add or remove [..](entity) marks")
    shift = shown.index(plain.strip()) - (len(plain) - len(plain.lstrip())) if plain.strip() else 0
    mapped = [
        Span(original_offset(s.start + shift, replaced, is_end=False),
             original_offset(s.end + shift, replaced, is_end=True), s.entity)
        for s in spans
    ]
    return clean_spans(original, mapped)
