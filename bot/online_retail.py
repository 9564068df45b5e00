"""The UCI Online Retail log, read row by row (from ``/work/shared/data/online_retail`` at run time, never copied).

Licence CC BY 4.0. Chen, D. (2015), Online Retail, UCI Machine Learning Repository,
doi:10.24432/C5BW33; the data of Chen, Sain and Guo (2012), "Data mining for the online
retail industry: a case study of RFM model-based customer segmentation using data
mining", J. Database Marketing & Customer Strategy Management 19(3), 197-208.

Purchases, as the data's README defines them: an InvoiceNo not starting with ``C``
(cancellations), Quantity > 0 and UnitPrice > 0. A clean purchase also has a
CustomerID; here it may be None, for the uses that count every sale (stock-out
backtests). The recommender, the segments and the stock-out backtest all read it here.
"""

from __future__ import annotations

import csv
import gzip
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

DEFAULT_PATH = Path(os.environ.get("SHOP_ONLINE_RETAIL", "/work/shared/data/online_retail/online_retail.csv.gz"))


@dataclass(frozen=True, slots=True)
class Purchase:
    invoice: str
    stock_code: str
    description: str
    quantity: int
    at: datetime
    unit_price: float
    customer_id: int | None


def read_rows(path: Path = DEFAULT_PATH, counts: Counter | None = None) -> Iterator[Purchase]:
    """Every row that is a purchase (no ``C`` invoice, Quantity > 0, UnitPrice > 0); CustomerID may be None.

    ``counts["rows"]`` is raised for every row of the file, purchase or not.
    """
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if counts is not None:
                counts["rows"] += 1
            if row["InvoiceNo"].startswith("C"):
                continue
            quantity, price = int(row["Quantity"]), float(row["UnitPrice"])
            if quantity <= 0 or price <= 0:
                continue
            customer = row["CustomerID"]
            yield Purchase(invoice=row["InvoiceNo"], stock_code=row["StockCode"],
                           description=(row["Description"] or "").strip(), quantity=quantity,
                           at=datetime.fromisoformat(row["InvoiceDate"]), unit_price=price,
                           customer_id=int(float(customer)) if customer else None)
