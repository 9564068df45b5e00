"""Price expressions in free text: "under $80", "between 50 and 100 euros", "~60", and the
same in German ("unter 80 €", "zwischen 50 und 100 Euro", "um die 60")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_NUM = r"(\d{1,6}(?:[.,]\d{1,2})?)\s*(k)?"
_CUR_BEFORE = r"(?:[$€£]|usd|eur|gbp)?\s*"
_CUR_AFTER = r"\s*(?:[$€£]|usd|euros?|eur|gbp|dollars?|bucks|quid|pounds?)?"
_AMOUNT = _CUR_BEFORE + _NUM + _CUR_AFTER
_HAS_CURRENCY = re.compile(r"[$€£]|\b(?:usd|eur|euros?|gbp|dollars?|bucks|quid|pounds?)\b")

_RANGE = re.compile(
    r"\b(?:between|from|zwischen|von)?\s*" + _AMOUNT + r"\s*(?:-|–|to|and|und|bis)\s*" + _AMOUNT, re.IGNORECASE
)
_MAX = re.compile(
    r"(?:\bunder|\bbelow|\bless than|\bcheaper than|\bmax(?:imum)?|\bup to|\bno more than|"
    r"\bnot more than|\bwithin|\bbudget(?: of| is)?|\bat most|<=?|"
    r"\bunter(?:halb von)?|\bbis(?: zu)?|\bh(?:ö|oe)chstens|\bmaximal|\bnicht mehr als|\bweniger als|"
    r"\bg(?:ü|ue)nstiger als|\bbilliger als)\s*" + _AMOUNT,
    re.IGNORECASE,
)
_MIN = re.compile(
    r"(?:\bover|\babove|\bmore than|\bat least|\bmin(?:imum)?|\bstarting at|>=?|"
    r"\b(?:ü|ue)ber|\bab|\bmindestens|\bmehr als|\bteurer als)\s*" + _AMOUNT,
    re.IGNORECASE,
)
_AROUND = re.compile(
    r"(?:\baround|\babout|\broughly|\bapprox(?:imately)?|~|\bum die|\bungef(?:ä|ae)hr|\betwa|\bcirca|\bca\.|"
    r"\brund)\s*" + _AMOUNT,
    re.IGNORECASE,
)
_BARE = re.compile(r"(?:[$€£]\s*" + _NUM + r"|\b" + _NUM + r"\s*(?:usd|euros?|eur|dollars?|bucks|quid|pounds?)\b)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PriceRange:
    minimum: Decimal | None
    maximum: Decimal | None
    span: tuple[int, int]


def _amount(number: str | None, thousands: str | None) -> Decimal | None:
    if number is None:
        return None
    value = Decimal(number.replace(",", "."))
    return value * 1000 if thousands else value


def parse_price(text: str) -> PriceRange | None:
    """Find the price constraint in ``text``; None when the text states none."""
    match = _RANGE.search(text)
    # "42-44" alone is more likely sizes than prices: a range needs a currency or "between".
    if match and (_HAS_CURRENCY.search(match.group(0)) or re.match(r"\s*(between|from|zwischen|von)\b", match.group(0), re.I)):
        low = _amount(match.group(1), match.group(2))
        high = _amount(match.group(3), match.group(4))
        if low is not None and high is not None:
            low, high = sorted((low, high))
            return PriceRange(low, high, match.span())
    for pattern, kind in ((_MAX, "max"), (_MIN, "min"), (_AROUND, "around")):
        match = pattern.search(text)
        if not match:
            continue
        value = _amount(match.group(1), match.group(2))
        if value is None:
            continue
        if kind == "max":
            return PriceRange(None, value, match.span())
        if kind == "min":
            return PriceRange(value, None, match.span())
        return PriceRange((value * Decimal("0.8")).quantize(Decimal("1")), (value * Decimal("1.2")).quantize(Decimal("1")), match.span())
    match = _BARE.search(text)
    if match:
        value = _amount(match.group(1) or match.group(3), match.group(2) or match.group(4))
        if value is not None:
            return PriceRange(None, value, match.span())
    return None
