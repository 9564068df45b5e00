"""CLI: ``python -m bot.segments refresh`` or ``report [--source shop|online-retail]``."""

from __future__ import annotations

import argparse
import sys
import time

from sqlalchemy.orm import Session

from bot.db import make_engine
from bot.models import AggregateRefresh
from bot.models.base import utcnow
from bot.segments.refresh import customer_rfm, refresh_segments
from bot.segments.rfm import CustomerRfm, score_customers, segment_table
from bot.settings import get_settings


def _print_table(customers: list[CustomerRfm], title: str) -> None:
    print(title)
    print(f"{'segment':<20} {'customers':>9} {'share':>7} {'revenue':>8} {'mean R (days)':>13} "
          f"{'mean F':>7} {'mean M':>10}")
    for r in segment_table(customers):
        print(f"{r.segment:<20} {r.customers:>9,} {r.share:>7.1%} {r.revenue_share:>8.1%} "
              f"{r.mean_recency_days:>13.1f} {r.mean_frequency:>7.2f} {r.mean_monetary:>10,.2f}")
    print(f"{'all':<20} {len(customers):>9,} {1:>7.1%} {1:>8.1%}")


def _refresh(url: str) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            started = time.perf_counter()
            refresh_segments(session)
            seconds = time.perf_counter() - started
            session.merge(AggregateRefresh(name="customer_segments", refreshed_at=utcnow(), seconds=seconds))
            session.commit()
    finally:
        engine.dispose()
    print(f"customer segments refreshed in {seconds:.2f} s")
    return 0


def _report(url: str, source: str) -> int:
    if source == "online-retail":
        from bot.online_retail import DEFAULT_PATH, read_rows
        from bot.segments.online_retail import customer_rfm_inputs

        rows = list(read_rows(DEFAULT_PATH))
        ids, recency, frequency, monetary, reference = customer_rfm_inputs(rows)
        customers = score_customers(ids, recency, frequency, monetary)
        _print_table(customers, f"UCI Online Retail ({DEFAULT_PATH}), clean purchases, "
                                f"recency to {reference.isoformat()}: {len(customers):,} customers")
        return 0
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            customers = customer_rfm(session, as_of=utcnow())
    finally:
        engine.dispose()
    _print_table(customers, f"shop DB, as of now: {len(customers):,} customers with a purchase")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.segments", description=__doc__)
    parser.add_argument("command", choices=["refresh", "report"])
    parser.add_argument("--source", choices=["shop", "online-retail"], default="shop")
    parser.add_argument("--database-url", default=None, help="SQLAlchemy URL (default: SHOP_DATABASE_URL)")
    args = parser.parse_args(argv)
    url = args.database_url or get_settings().database_url
    return _refresh(url) if args.command == "refresh" else _report(url, args.source)


if __name__ == "__main__":
    sys.exit(main())
