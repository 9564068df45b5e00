"""RFM scoring: recency, frequency and monetary value per customer, quintile scores, named segments.

Pure functions over plain numbers (numpy); the database and the CSV readers feed them.

- **Recency** is whole days from the customer's last purchase to the reference date,
  **frequency** the number of purchases (orders, or invoices), **monetary** their total.
- **Scores 1-5 by quintile, ties kept together.** A value's score is
  ``1 + floor(5 * share of customers with a strictly worse value)``: the best fifth
  scores 5, and customers with equal values always share a score (so when 35 % of
  customers bought once, they all score F=1 and the next score used is 2 or 3, not a
  random split of the one-time buyers). Lower recency is better; higher F and M are better.
- **Segments** come from the R and F scores with the usual 10-segment RF map
  (``SEGMENT_MAP``, as in the RFM literature and most RFM tools): M is scored and
  reported (it tracks F closely) but does not decide the segment.

k-means on (R, F, M) is not used: its clusters have no fixed names or meaning, change
between refreshes, and on the real data (see README) the quintile map already
separates the value: the top segments hold most of the revenue. Quintiles are also
what the Chen, Sain and Guo (2012) case study starts from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

QUINTILES = 5

# (R scores, F scores) → segment. Covers all 25 cells; first match wins.
SEGMENT_MAP: tuple[tuple[str, frozenset[int], frozenset[int]], ...] = (
    ("Champions", frozenset({5}), frozenset({4, 5})),
    ("Loyal", frozenset({3, 4}), frozenset({4, 5})),
    ("Potential loyalists", frozenset({4, 5}), frozenset({2, 3})),
    ("New", frozenset({5}), frozenset({1})),
    ("Promising", frozenset({4}), frozenset({1})),
    ("Need attention", frozenset({3}), frozenset({3})),
    ("About to sleep", frozenset({3}), frozenset({1, 2})),
    ("Can't lose them", frozenset({1, 2}), frozenset({5})),
    ("At risk", frozenset({1, 2}), frozenset({3, 4})),
    ("Hibernating", frozenset({1, 2}), frozenset({1, 2})),
)
# The order segments are listed in: most valuable first.
SEGMENTS: tuple[str, ...] = tuple(name for name, _, _ in SEGMENT_MAP)


def segment_of(r_score: int, f_score: int) -> str:
    """The segment name of an (R, F) score pair."""
    for name, rs, fs in SEGMENT_MAP:
        if r_score in rs and f_score in fs:
            return name
    raise ValueError(f"scores out of range: R={r_score} F={f_score}")


def quintile_scores(values: Sequence[float] | np.ndarray, *, higher_is_better: bool = True) -> np.ndarray:
    """Scores 1-5: 1 + floor(5 × share of values strictly worse); equal values share a score."""
    x = np.asarray(values, dtype=float)
    n = x.size
    if n == 0:
        return np.zeros(0, dtype=int)
    ordered = np.sort(x)
    if higher_is_better:
        worse = np.searchsorted(ordered, x, side="left")  # values strictly below
    else:
        worse = n - np.searchsorted(ordered, x, side="right")  # values strictly above
    return 1 + (QUINTILES * worse) // n


@dataclass(frozen=True, slots=True)
class CustomerRfm:
    customer_id: int
    recency_days: int
    frequency: int
    monetary: float
    r_score: int
    f_score: int
    m_score: int
    segment: str


def score_customers(
    customer_ids: Sequence[int], recency_days: Sequence[int], frequency: Sequence[int], monetary: Sequence[float],
) -> list[CustomerRfm]:
    """Score each customer's R, F and M against the others and name their segment."""
    r = quintile_scores(recency_days, higher_is_better=False)
    f = quintile_scores(frequency)
    m = quintile_scores(monetary)
    return [
        CustomerRfm(customer_id=int(c), recency_days=int(rd), frequency=int(fq), monetary=float(mv),
                    r_score=int(rs), f_score=int(fs), m_score=int(ms), segment=segment_of(int(rs), int(fs)))
        for c, rd, fq, mv, rs, fs, ms in zip(customer_ids, recency_days, frequency, monetary, r, f, m, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class SegmentRow:
    segment: str
    customers: int
    share: float  # of customers
    revenue: float
    revenue_share: float
    mean_recency_days: float
    mean_frequency: float
    mean_monetary: float


def segment_table(customers: Sequence[CustomerRfm]) -> list[SegmentRow]:
    """One row per segment (in ``SEGMENTS`` order, empty ones left out): size, value, mean R/F/M."""
    total_n = len(customers)
    total_revenue = sum(c.monetary for c in customers) or 1.0
    rows = []
    for name in SEGMENTS:
        members = [c for c in customers if c.segment == name]
        if not members:
            continue
        revenue = sum(c.monetary for c in members)
        n = len(members)
        rows.append(SegmentRow(
            segment=name, customers=n, share=n / total_n, revenue=revenue, revenue_share=revenue / total_revenue,
            mean_recency_days=sum(c.recency_days for c in members) / n,
            mean_frequency=sum(c.frequency for c in members) / n,
            mean_monetary=revenue / n,
        ))
    return rows
