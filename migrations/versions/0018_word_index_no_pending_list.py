"""word index without a pending list: PostgreSQL's GIN indexes of product text are kept sorted

A GIN index with ``fastupdate`` (PostgreSQL's default) adds new entries to an unsorted
pending list, up to 4 MB, merged only by (auto)vacuum; every search reads the whole list
linearly. After the seed of 100k products ``ix_products_words`` had 395 pending pages
(4,564 rows): each keyword search read them, 5-10 ms, and the planner, counting them
in the index's cost, preferred computing the words of each product of a category to
the index ("leather" among 8,000 backpacks: 290 ms). Product text is written rarely
and searched on every question, so entries go straight into the sorted index; the
lists left by earlier writes are merged now. The trigram index of names, asked for
model numbers, likewise. SQLite has no such list: nothing to do there.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 03:10:00.000000
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = ("ix_products_words", "ix_products_name_trgm")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in _INDEXES:
        op.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        op.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in _INDEXES:
        op.execute(f"ALTER INDEX {index} RESET (fastupdate)")
