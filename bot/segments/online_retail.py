"""RFM of the UCI Online Retail data (read from ``/work/shared/data/online_retail`` at run time, never copied).

Licence CC BY 4.0. Chen, D. (2015), Online Retail, UCI Machine Learning Repository,
doi:10.24432/C5BW33; the data of Chen, Sain and Guo (2012), "Data mining for the online
retail industry: a case study of RFM model-based customer segmentation using data
mining", J. Database Marketing & Customer Strategy Management 19(3), 197-208.

Clean purchases, as the data's README defines them: a CustomerID, an InvoiceNo not
starting with ``C`` (cancellations), Quantity > 0 and UnitPrice > 0. Frequency is the
number of distinct invoices, monetary the sum of Quantity × UnitPrice, recency the
days from the last invoice to the day after the data's last invoice (2011-12-10).
"""

from __future__ import annotations

import csv
import gzip
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

DEFAULT_PATH = Path(os.environ.get("SHOP_ONLINE_RETAIL", "/work/shared/data/online_retail/online_retail.csv.gz"))


@dataclass(frozen=True, slots=True)
class Purchase:
    invoice: str
    stock_code: str
    quantity: int
    at: datetime
    unit_price: float
    customer_id: int | None


def read_rows(path: Path = DEFAULT_PATH) -> Iterator[Purchase]:
    """Every row that is a purchase (no ``C`` invoice, Quantity > 0, UnitPrice > 0); CustomerID may be None."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["InvoiceNo"].startswith("C"):
                continue
            quantity, price = int(row["Quantity"]), float(row["UnitPrice"])
            if quantity <= 0 or price <= 0:
                continue
            customer = row["CustomerID"]
            yield Purchase(invoice=row["InvoiceNo"], stock_code=row["StockCode"], quantity=quantity,
                           at=datetime.fromisoformat(row["InvoiceDate"]), unit_price=price,
                           customer_id=int(float(customer)) if customer else None)


def customer_rfm_inputs(rows: list[Purchase]) -> tuple[list[int], list[int], list[int], list[float], date]:
    """Customer ids, recency days, invoice counts and spend of the clean purchases; and the reference day."""
    last: dict[int, datetime] = {}
    invoices: dict[int, set[str]] = {}
    spend: dict[int, float] = {}
    latest = max(r.at for r in rows)
    for r in rows:
        if r.customer_id is None:
            continue
        c = r.customer_id
        if c not in last or r.at > last[c]:
            last[c] = r.at
        invoices.setdefault(c, set()).add(r.invoice)
        spend[c] = spend.get(c, 0.0) + r.quantity * r.unit_price
    reference = latest.date() + timedelta(days=1)
    ids = sorted(last)
    recency = [(reference - last[c].date()).days for c in ids]
    return ids, recency, [len(invoices[c]) for c in ids], [spend[c] for c in ids], reference
