"""RFM inputs of the UCI Online Retail data (read by ``bot.online_retail``).

Clean purchases, as the data's README defines them: a CustomerID, an InvoiceNo not
starting with ``C`` (cancellations), Quantity > 0 and UnitPrice > 0. Frequency is the
number of distinct invoices, monetary the sum of Quantity × UnitPrice, recency the
days from the last invoice to the day after the data's last invoice (2011-12-10).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.online_retail import Purchase


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
