"""Stock-out forecast: days of cover from a damped rate of daily sales (Croston / SBA).

For each variant, the daily units sold over the last ``WINDOW_DAYS`` days (order items
of orders that were not cancelled; returned orders count, as the units were sold and
demand was real) make a series ``d_1 .. d_n``. Sales of a small shop are intermittent:
most days sell nothing, so the plain mean reacts to a single order and exponential
smoothing of the daily series decays towards zero between orders.

**Croston's method** smooths two things instead, updated only on days with a sale:
the size of a sale ``z`` and the interval between sales ``p`` (in days), both with
``alpha`` (0.1). The rate per day is ``z / p``. Croston's estimate is biased upwards;
the **Syntetos-Boylan approximation (SBA)** multiplies it by ``1 - alpha/2``. Both start
from the window's averages (mean sale size; window length / number of sale days) rather
than from the first sale: started from the first sale, one sale on the window's first
day reads as "that many units every day", the first version's main source of false
warnings on the demo seed.

**Days of cover** = stock / rate. A variant is listed when the cover is at most
``HORIZON_DAYS`` (14): at the recent rate it sells out within two weeks. A variant with
no sale in the window has rate 0 and is never listed; one already at 0 stock with a
positive rate has 0 days of cover.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ALPHA = 0.1
HORIZON_DAYS = 14
WINDOW_DAYS = 56


def croston_rate(daily: np.ndarray | list[float], *, alpha: float = ALPHA, sba: bool = True) -> float:
    """Units per day forecast from a daily series (oldest first) by Croston's method, SBA-damped."""
    d = np.asarray(daily, dtype=float)
    sale_days = np.flatnonzero(d > 0)
    if sale_days.size == 0:
        return 0.0
    size = float(d[sale_days].mean())
    interval = d.size / sale_days.size
    for previous, day in zip(sale_days[:-1], sale_days[1:], strict=True):
        size += alpha * (d[day] - size)
        interval += alpha * ((day - previous) - interval)
    rate = size / interval
    return rate * (1 - alpha / 2) if sba else rate


def days_of_cover(stock: int, rate: float) -> float:
    """Days the stock lasts at ``rate`` units a day (infinite when nothing sells)."""
    if rate <= 0:
        return math.inf
    return max(stock, 0) / rate


@dataclass(frozen=True, slots=True)
class StockoutRisk:
    variant_id: int
    product_id: int
    product_name: str
    sku: str
    stock: int
    rate_per_day: float
    days_of_cover: float
    sold_in_window: int


def at_risk(days: float, *, horizon: int = HORIZON_DAYS) -> bool:
    """Whether ``days`` of cover run out within the horizon."""
    return days <= horizon
