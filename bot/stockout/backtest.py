"""Backtests of the stock-out forecast against a naive baseline.

**Shop DB (demo seed).** The shop keeps each variant's current stock only, not its
history, so the stock at a past cut-off cannot be reconstructed (adding back the units
sold since would assume no restock ever happened and makes a stock-out after the cut-off
impossible by construction). The backtest therefore asks, at each cut-off, the question
the warning answers with the stock held fixed at today's level: *will demand in the 14
days after the cut-off reach the stock?* Using only sales before the cut-off:

- forecast: SBA rate × 14 ≥ stock;
- naive baseline: units sold in the 14 days before the cut-off ≥ stock;

and the truth is the units sold in the 14 days after it. Variants with stock 0 are left
out (the answer is trivially yes). Precision and recall are pooled over the cut-offs.

**Online Retail.** No stock at all, so the backtest scores the 14-day demand forecast
itself per stock code: mean absolute error of SBA rate × 14, of the naive last 14 days,
and of the window's plain mean × 14, against the units sold in the 14 days after.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.stockout.forecast import HORIZON_DAYS, WINDOW_DAYS, croston_rate


@dataclass(frozen=True, slots=True)
class Confusion:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def __add__(self, other: Confusion) -> Confusion:
        return Confusion(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.tn + other.tn)

    @property
    def precision(self) -> float:
        """Share of warnings that came true (nan when nothing was predicted)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        """Share of real stock-outs that were warned of (nan when none happened)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")


def confusion(predicted: np.ndarray, actual: np.ndarray) -> Confusion:
    """Counts of a boolean prediction against the boolean truth."""
    p, a = np.asarray(predicted, dtype=bool), np.asarray(actual, dtype=bool)
    return Confusion(tp=int((p & a).sum()), fp=int((p & ~a).sum()), fn=int((~p & a).sum()),
                     tn=int((~p & ~a).sum()))


def stock_backtest(sales: np.ndarray, stock: np.ndarray, cutoffs: list[int], *, window: int = WINDOW_DAYS,
                   horizon: int = HORIZON_DAYS) -> tuple[Confusion, Confusion, int]:
    """(forecast, naive) confusion pooled over cut-offs, and the cases scored.

    ``sales`` is variants × days (oldest first), ``stock`` the stock per variant held
    fixed; a cut-off is the index of the first day not seen.
    """
    keep = stock > 0
    forecast, naive, cases = Confusion(), Confusion(), 0
    for c in cutoffs:
        past, future = sales[keep, max(0, c - window):c], sales[keep, c:c + horizon]
        s = stock[keep]
        actual = future.sum(axis=1) >= s
        rates = np.array([croston_rate(row) for row in past])
        forecast += confusion(rates * horizon >= s, actual)
        naive += confusion(past[:, -horizon:].sum(axis=1) >= s, actual)
        cases += int(keep.sum())
    return forecast, naive, cases


@dataclass(frozen=True, slots=True)
class DemandErrors:
    cutoffs: int
    items: int  # (item, cut-off) pairs scored
    mae_sba: float
    mae_naive: float
    mae_mean: float


def demand_backtest(sales: np.ndarray, cutoffs: list[int], *, window: int = WINDOW_DAYS,
                    horizon: int = HORIZON_DAYS) -> DemandErrors:
    """MAE of the 14-day demand forecast (SBA, naive last 14 days, window mean) for items sold in the window."""
    errors: dict[str, list[np.ndarray]] = {"sba": [], "naive": [], "mean": []}
    for c in cutoffs:
        past = sales[:, c - window:c]
        active = past.sum(axis=1) > 0
        past, truth = past[active], sales[active, c:c + horizon].sum(axis=1)
        sba = np.array([croston_rate(row) for row in past]) * horizon
        errors["sba"].append(np.abs(sba - truth))
        errors["naive"].append(np.abs(past[:, -horizon:].sum(axis=1) - truth))
        errors["mean"].append(np.abs(past.mean(axis=1) * horizon - truth))
    joined = {k: np.concatenate(v) for k, v in errors.items()}
    return DemandErrors(cutoffs=len(cutoffs), items=int(joined["sba"].size), mae_sba=float(joined["sba"].mean()),
                        mae_naive=float(joined["naive"].mean()), mae_mean=float(joined["mean"].mean()))
