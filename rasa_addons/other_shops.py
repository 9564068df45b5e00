"""Other shops and services a visitor may name when asking about them, not about this shop.

"where is my asos order" or "wie lange dauert der Versand bei Zalando" read like order and
shipping questions, word for word, and each retailer's name is rare in the training data,
so the n-gram classifier never learns that the name is what makes them out of scope. The
intent classifier reads every such name as one shared placeholder word instead
(``other_shops: true`` in config.yml): the forty-odd training examples about other shops
then teach that word, and a shop none of them names ("where is my shein parcel") is read
the same way. The list is of retailers, marketplaces and delivery or streaming services
common in English- and German-speaking countries; a name the shop's own training data
annotates as a brand (a shop that sells Uniqlo) is left alone. Names that are also ordinary
words ("next", "penny", "netto", "mango", "target", "boots") are not in it.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional, Pattern

# The word the names become; not a word a visitor writes.
PLACEHOLDER = "othershopname"

NAMES = (
    # marketplaces and department stores
    "amazon", "ebay", "etsy", "aliexpress", "alibaba", "temu", "shein", "wish.com", "walmart", "costco", "argos",
    "tesco", "sainsbury's", "sainsburys", "asda", "john lewis", "marks and spencer", "debenhams", "kohl's", "kohls",
    "macy's", "macys", "nordstrom", "best buy", "bestbuy", "otto", "otto.de", "kaufland", "galeria", "galaxus",
    "digitec", "bol.com", "allegro", "cdiscount", "fnac", "vinted", "depop", "kleinanzeigen", "idealo",
    # fashion, sports and home retailers
    "asos", "zalando", "about you", "aboutyou", "h&m", "zara", "primark", "c&a", "tk maxx", "tkmaxx",
    "decathlon", "jd sports", "foot locker", "footlocker", "sports direct", "snipes", "ikea", "boohoo",
    "very.co.uk", "next.co.uk", "mytheresa", "farfetch", "hollister", "abercrombie",
    # electronics, groceries and drugstores
    "saturn", "mediamarkt", "media markt", "media-markt", "conrad", "cyberport", "lidl", "aldi", "rewe", "edeka",
    "rossmann", "dm-markt", "müller drogerie", "walgreens", "cvs",
    # food delivery, streaming and other services
    "dominos", "domino's", "deliveroo", "lieferando", "uber eats", "ubereats", "just eat", "doordash", "grubhub",
    "wolt", "netflix", "spotify", "disney+", "disney plus", "hulu", "prime video",
)


def pattern(names: Iterable[str] = NAMES, keep: Iterable[str] = ()) -> Optional[Pattern[str]]:
    """A regex of `names` as whole words, case-insensitive, less those in `keep` (the shop's own
    brands); None when no name is left."""
    kept = {k.lower() for k in keep}
    chosen = sorted({n.lower() for n in names} - kept, key=len, reverse=True)  # "media markt" before "media"
    if not chosen:
        return None
    return re.compile(r"(?<![\w&.])(?:" + "|".join(re.escape(n) for n in chosen) + r")(?![\w&])", re.IGNORECASE)


def mark(text: str, names: Optional[Pattern[str]]) -> str:
    """`text` with every name of another shop replaced by the placeholder word."""
    return names.sub(PLACEHOLDER, text) if names is not None else text
