"""One list for the console: variants about to sell out, and what visitors asked for that was out of stock.

Unmet searches name what was asked for in words (``bot/catalog/unmet.py``), not a
product id, so the two are joined by the product's name: an out-of-stock search whose
text or normalised query contains the name (case-insensitive) counts for that product.
Out-of-stock searches that match no listed product stay in the list on their own, as
already sold out (0 days of cover). Sorted by urgency: fewest days of cover first, then
most searches, then the fastest seller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.catalog.unmet import tidy_text
from bot.models import UnmetKind, UnmetSearch
from bot.models.base import utcnow
from bot.stockout.forecast import HORIZON_DAYS
from bot.stockout.service import stockout_risks

UNMET_DAYS = 30


@dataclass(frozen=True, slots=True)
class StockWarning:
    what: str  # product name and SKU, or the words visitors used
    sku: str | None  # None: an unmet search matched to no product in the list
    stock: int | None
    rate_per_day: float | None
    days_of_cover: float
    searches_out_of_stock: int  # visitor searches in the last UNMET_DAYS days that found it out of stock


def _unmet_out_of_stock(session: Session, since: datetime) -> list[tuple[str, str, int]]:
    """(normalised query, an example text, searches) of out-of-stock searches since ``since``."""
    rows = session.execute(
        select(UnmetSearch.normalized_query, func.min(UnmetSearch.query_text), func.count())
        .where(UnmetSearch.kind == UnmetKind.OUT_OF_STOCK, UnmetSearch.created_at >= since)
        .group_by(UnmetSearch.normalized_query)
    ).all()
    return [(q, ex, n) for q, ex, n in rows]


def _asked(key: str, example: str) -> str:
    """What visitors asked for: the words they used, with the catalog terms when the words alone don't say
    ("is the first one in stock?" is about the product it followed)."""
    return example if tidy_text(example) == key else f"{key} (asked: “{example}”)"


def stock_warnings(session: Session, *, now: datetime | None = None, horizon: int = HORIZON_DAYS) -> list[StockWarning]:
    """Variants likely to sell out within ``horizon`` days and unmet out-of-stock demand, most urgent first."""
    now = now or utcnow()
    risks = stockout_risks(session, today=now.date(), horizon=horizon)
    unmet = _unmet_out_of_stock(session, now - timedelta(days=UNMET_DAYS))
    matched: set[str] = set()
    out = []
    for r in risks:
        # Compared tidied: the key holds the product's tidied name ("levi s 501"), a text may hold it as typed.
        name = tidy_text(r.product_name)
        hits = [(q, n) for q, ex, n in unmet if name in q or name in tidy_text(ex)]
        matched.update(q for q, _ in hits)
        out.append(StockWarning(what=f"{r.product_name} ({r.sku})", sku=r.sku, stock=r.stock,
                                rate_per_day=r.rate_per_day, days_of_cover=r.days_of_cover,
                                searches_out_of_stock=sum(n for _, n in hits)))
    out.extend(StockWarning(what=_asked(q, ex), sku=None, stock=None, rate_per_day=None, days_of_cover=0.0,
                            searches_out_of_stock=n) for q, ex, n in unmet if q not in matched)
    return sorted(out, key=lambda w: (w.days_of_cover, -w.searches_out_of_stock, -(w.rate_per_day or 0), w.what))
