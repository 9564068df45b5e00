"""Bring a shop database to the newest schema: ``python -m bot.migrate``."""

from __future__ import annotations

import argparse

from alembic import command
from alembic.config import Config

from bot.settings import PROJECT_ROOT, VAR_DIR, get_settings


def upgrade(database_url: str | None = None) -> None:
    """Run every pending Alembic migration on ``database_url`` (default: settings)."""
    url = database_url or get_settings().database_url
    if url.startswith("sqlite:///") and str(VAR_DIR) in url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.attributes["database_url"] = url
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "head")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: SHOP_DATABASE_URL)")
    args = parser.parse_args()
    upgrade(args.database_url)


if __name__ == "__main__":
    main()
