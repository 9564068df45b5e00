"""CLI: ``python -m bot.aggregates`` rebuilds the aggregates once, or ``--every SECONDS``."""

from __future__ import annotations

import argparse
import logging
import sys
import time

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.aggregates.refresh import REFRESH_SECONDS, refresh_aggregates
from bot.db import make_engine
from bot.settings import get_settings

log = logging.getLogger("bot.aggregates")


def _refresh(engine) -> bool:
    try:
        with Session(engine) as session:
            seconds = refresh_aggregates(session)
            session.commit()
    except SQLAlchemyError as exc:
        log.error("refresh failed: %s", exc)
        return False
    log.info("refreshed %s", ", ".join(f"{name} in {s:.2f} s" for name, s in seconds.items()))
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.aggregates", description=__doc__)
    parser.add_argument("--every", type=float, default=None, metavar="SECONDS",
                        help=f"keep refreshing at this interval (make run: {REFRESH_SECONDS})")
    parser.add_argument("--database-url", default=None, help="SQLAlchemy URL (default: SHOP_DATABASE_URL)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    engine = make_engine(args.database_url or get_settings().database_url)
    try:
        if args.every is None:
            return 0 if _refresh(engine) else 1
        while True:  # a failed refresh (a locked or unreachable DB) is tried again next time
            _refresh(engine)
            time.sleep(args.every)
    except KeyboardInterrupt:
        return 0
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
