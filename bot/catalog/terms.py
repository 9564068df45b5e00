"""The words of the catalog's own text: every word of a product name or description.

A visitor's word can only narrow a search if the catalog names products with it, and
only order the matches if a description uses it; these are the sets the query parser
checks that against. One streamed pass over names and descriptions (about a second
at 100,000 products); a full-text index can replace ``product_words`` later without
touching its callers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Product

# Letters and digits, so model codes ("1000xm4", "3l", "27", "2.0") are words too.
WORD = re.compile(r"[^\W_]+(?:\.\d+)*")
_BATCH = 5000


def words_of(texts: Iterable[str]) -> set[str]:
    """The lower-case words of ``texts``."""
    return set(WORD.findall(" ".join(texts).lower()))


def product_words(session: Session) -> tuple[frozenset[str], frozenset[str]]:
    """The lower-case words of the product names, and of the descriptions."""
    names: set[str] = set()
    descriptions: set[str] = set()
    rows = session.execute(select(Product.name, Product.description).execution_options(yield_per=_BATCH))
    for batch in rows.partitions():
        names |= words_of(name for name, _description in batch)
        descriptions |= words_of(description for _name, description in batch)
    return frozenset(names), frozenset(descriptions)
