"""Whether a visitor asks if something can arrive by a day, without naming an order.

"can it get here before christmas?" is read as an order-status question, and it is one
when the conversation has already proved an order: "it" is that order. In a fresh
conversation "it" is more often something the visitor is about to buy, and asking for an
order number answers the wrong question. The order status form uses this to tell the
two apart: with no proved order, a by-a-day question that names no order gets the
delivery times and an offer to check an order instead (actions/order_forms.py).
"""

from __future__ import annotations

import re

_DAYS_EN = (
    r"christmas|x-?mas|new year'?s?(?: eve| day)?|easter|thanksgiving|halloween|hanukkah|diwali|eid|"
    r"valentine'?s(?: day)?|mother'?s day|father'?s day|black friday|"
    r"(?:this |the |next )?weekend|next week|(?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|tonight|"
    r"(?:the )?\d{1,2}(?:st|nd|rd|th)|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?|"
    r"\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*|"
    r"(?:my|her|his|their|our|the) (?:\w+'s )?(?:birthday|trip|holiday|vacation|wedding|party|anniversary|event)"
    r"(?! (?:present|gift|card|cake|idea|outfit))"
)
_DAYS_DE = (
    r"weihnachten|heiligabend|silvester|neujahr|ostern|pfingsten|nikolaus|muttertag|vatertag|"
    r"(?:dem |zum |am )?wochenende|nächste woche|naechste woche|montag|dienstag|mittwoch|donnerstag|freitag|"
    r"samstag|sonntag|morgen|übermorgen|uebermorgen|\d{1,2}\.(?: ?\w+)?|"
    r"(?:meinem|ihrem|seinem|unserem|dem) (?:geburtstag|urlaub|hochzeit|jahrestag)"
)
_BY_A_DAY = re.compile(
    rf"\b(?:before|by|for|until|till|in time for|ahead of)\s+(?:{_DAYS_EN})\b"
    rf"|\b(?:bis|vor|zu|zum|an|rechtzeitig (?:zu|vor|für|zum))\s+(?:{_DAYS_DE})",
    re.IGNORECASE,
)
# Words that name an order already placed: the question is then about that order.
_NAMES_AN_ORDER = re.compile(
    r"\b(?:my|the|our|this) (?:order|parcel|package|delivery|shipment)\b|\border\s*#?\s*\d{4,}|"
    r"\b(?:i|we) (?:already |just )?(?:ordered|bought|paid|placed)\b|\btracking\b|\bshipped\b|"
    r"\b(?:meine|die|unsere|diese) (?:bestellung|lieferung|sendung|paket)\b|\bbestellt\b|\bsendungsverfolgung\b",
    re.IGNORECASE,
)


def asks_by_a_day(text: str | None) -> bool:
    """Whether ``text`` asks for something by a day or occasion ("before christmas", "bis Freitag")."""
    return bool(text) and _BY_A_DAY.search(text) is not None


def names_an_order(text: str | None) -> bool:
    """Whether ``text`` speaks of an order already placed ("my order", "I ordered", "#100234")."""
    return bool(text) and _NAMES_AN_ORDER.search(text) is not None


def asks_before_ordering(text: str | None) -> bool:
    """A by-a-day question that names no order: about buying, unless the conversation proved an order."""
    return asks_by_a_day(text) and not names_an_order(text)
