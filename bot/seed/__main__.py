"""CLI: ``python -m bot.seed`` fills the shop database with the demo shop."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.db import make_engine
from bot.models import Order, Product
from bot.seed import DEMO_ORDERS, SeedReport, seed_shop
from bot.seed.admin import missing_tables, reset_shop
from bot.settings import get_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot.seed", description="Seed the shop database with a demo shop."
    )
    parser.add_argument("--products", type=int, default=600, help="products (default 600)")
    parser.add_argument("--customers", type=int, default=250, help="customers (default 250)")
    parser.add_argument("--orders", type=int, default=2500, help="orders (default 2500)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--today", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                        help="date the order history ends at (default: today)")
    parser.add_argument("--database-url", default=None,
                        help="SQLAlchemy URL (default: SHOP_DATABASE_URL / settings)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--reset", action="store_true",
                      help="delete all existing shop rows first (tables are kept)")
    mode.add_argument("--if-empty", action="store_true",
                      help="do nothing (exit 0) when the shop already has products")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the seed; return the process exit code."""
    args = _parser().parse_args(argv)
    url = args.database_url or get_settings().database_url
    engine = make_engine(url)
    try:
        missing = missing_tables(engine)
    except SQLAlchemyError as exc:
        print(f"error: cannot open the database {engine.url!r}: {exc}", file=sys.stderr)
        return 1
    if missing:
        print(f"error: the database has no shop tables ({', '.join(missing)} missing); "
              "run migrations first: alembic upgrade head", file=sys.stderr)
        return 1
    started = time.perf_counter()
    with Session(engine) as session:
        has_products = session.execute(select(Product.id).limit(1)).first() is not None
        if has_products and args.if_empty:
            print("the shop already has products; nothing to seed")
            return 0
        if has_products and not args.reset:
            print("error: the database already has products; pass --reset to delete all shop "
                  "rows and seed again", file=sys.stderr)
            return 1
        if args.reset:
            reset_shop(session)
        try:
            report = seed_shop(session, products=args.products, customers=args.customers,
                               orders=args.orders, seed=args.seed, today=args.today,
                               progress=True)
        except ValueError as exc:
            session.rollback()
            print(f"error: {exc}", file=sys.stderr)
            return 1
        session.commit()
        _print_report(session, report, time.perf_counter() - started)
    engine.dispose()
    return 0


def _print_report(session: Session, report: SeedReport, seconds: float) -> None:
    print(report.summary())
    print(f"done in {seconds:.1f} s")
    numbers = [d["number"] for d in DEMO_ORDERS]
    found = {o.number: o for o in session.scalars(select(Order).where(Order.number.in_(numbers)))}
    if not found:
        return
    print("\ndemo orders (number / email / status / tracking / estimated delivery):")
    for demo in DEMO_ORDERS:
        order = found.get(demo["number"])
        if order is None:
            continue
        tracking = f"{order.carrier} {order.tracking_number}" if order.carrier else "-"
        eta = order.estimated_delivery.isoformat() if order.estimated_delivery else "-"
        print(f"  {order.number}  {order.email:<28} {order.status.value:<10} {tracking:<32} {eta}")
        print(f"          {demo['note']}")


if __name__ == "__main__":
    sys.exit(main())
