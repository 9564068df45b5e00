"""Asking an FTS5 table with the trigram tokenizer (product search, transcript search).

A phrase query of the trigram tokenizer is a case-insensitive substring match answered
from the index; the text must be at least ``TRIGRAM_CHARS`` characters long, or the
index cannot help and a search has to scan.
"""

from __future__ import annotations

from collections.abc import Sequence

TRIGRAM_CHARS = 3


def fts_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase, whatever quotes, operators or wildcards it holds."""
    return '"' + text.replace('"', '""') + '"'


def indexable(texts: Sequence[str]) -> bool:
    """Can a trigram index answer a substring search for every one of ``texts``?"""
    return all(len(t) >= TRIGRAM_CHARS for t in texts)
