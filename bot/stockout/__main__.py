"""CLI: ``python -m bot.stockout list`` or ``backtest [--source shop|online-retail]``."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import make_engine
from bot.models import ProductVariant
from bot.models.base import utcnow
from bot.settings import get_settings
from bot.stockout.backtest import demand_backtest, stock_backtest
from bot.stockout.forecast import HORIZON_DAYS, WINDOW_DAYS
from bot.stockout.service import daily_sales, first_sale_day, stockout_risks

CUTOFF_STEP_DAYS = 7


def _cutoffs(days: int, *, count: int) -> list[int]:
    """The last ``count`` cut-offs, a week apart, each with a full window before and a horizon after."""
    last = days - HORIZON_DAYS
    return [c for c in range(last, WINDOW_DAYS - 1, -CUTOFF_STEP_DAYS)][:count][::-1]


def _pct(x: float) -> str:
    return "  n/a" if np.isnan(x) else f"{x:5.1%}"


def _shop_backtest(session: Session, cutoffs: int) -> None:
    first = first_sale_day(session)
    end = utcnow().date() + timedelta(days=1)
    series = daily_sales(session, start=first, end=end)
    stock = dict(session.execute(select(ProductVariant.id, ProductVariant.stock)).all())
    ids = sorted(stock)
    days = (end - first).days
    sales = np.array([series.get(i, np.zeros(days)) for i in ids])
    cuts = _cutoffs(days, count=cutoffs)
    forecast, naive, cases = stock_backtest(sales, np.array([stock[i] for i in ids]), cuts)
    print(f"shop DB: {len(ids):,} variants, {days} days of orders ({first} .. {end - timedelta(days=1)}), "
          f"{len(cuts)} weekly cut-offs, {cases:,} (variant, cut-off) cases with stock > 0")
    print("question: do the 14 days after the cut-off sell at least today's stock?")
    print(f"{'method':<34} {'precision':>9} {'recall':>7} {'TP':>5} {'FP':>5} {'FN':>5}")
    for name, c in (("SBA rate x 14 >= stock", forecast), ("naive: last 14 days >= stock", naive)):
        print(f"{name:<34} {_pct(c.precision):>9} {_pct(c.recall):>7} {c.tp:>5} {c.fp:>5} {c.fn:>5}")


def _retail_backtest(cutoffs: int) -> None:
    from bot.online_retail import DEFAULT_PATH, read_rows

    rows = list(read_rows(DEFAULT_PATH))
    first = min(r.at for r in rows).date()
    days = (max(r.at for r in rows).date() - first).days + 1
    codes = {code: i for i, code in enumerate(sorted({r.stock_code for r in rows}))}
    sales = np.zeros((len(codes), days))
    for r in rows:
        sales[codes[r.stock_code], (r.at.date() - first).days] += r.quantity
    cuts = _cutoffs(days, count=cutoffs)
    e = demand_backtest(sales, cuts)
    print(f"UCI Online Retail ({DEFAULT_PATH}): purchase rows (any customer), {len(codes):,} stock codes, "
          f"{days} days, {e.cutoffs} weekly cut-offs, {e.items:,} (code, cut-off) pairs sold in the {WINDOW_DAYS} days before")
    print("no stock in the data: mean absolute error of the units sold in the 14 days after the cut-off")
    print(f"{'method':<32} {'MAE (units)':>11}")
    for name, mae in (("SBA rate x 14", e.mae_sba), ("naive: last 14 days", e.mae_naive),
                      (f"mean of {WINDOW_DAYS} days x 14", e.mae_mean)):
        print(f"{name:<32} {mae:>11.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.stockout", description=__doc__)
    parser.add_argument("command", choices=["list", "backtest"])
    parser.add_argument("--source", choices=["shop", "online-retail"], default="shop")
    parser.add_argument("--cutoffs", type=int, default=8, help="weekly cut-offs, the latest ones (default 8)")
    parser.add_argument("--database-url", default=None, help="SQLAlchemy URL (default: SHOP_DATABASE_URL)")
    args = parser.parse_args(argv)
    if args.command == "backtest" and args.source == "online-retail":
        _retail_backtest(args.cutoffs)
        return 0
    engine = make_engine(args.database_url or get_settings().database_url)
    try:
        with Session(engine) as session:
            if args.command == "backtest":
                _shop_backtest(session, args.cutoffs)
                return 0
            for r in stockout_risks(session):
                print(f"{r.days_of_cover:6.1f} days  stock {r.stock:>4}  {r.rate_per_day:5.2f}/day  "
                      f"{r.sku}  {r.product_name}")
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
