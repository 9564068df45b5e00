"""variant options index: colour and size first

A search for "white sneakers in size 41" finds the products that have such a variant.
With colour and size leading the index, that set is one short range of it (about
2,000 entries at 100k products) instead of every white variant of the shop. The
index of 0009, product first, stays: it answers whether one product has such a
variant in stock, which SQLite (without statistics) would otherwise look up here.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 10:00:00.000000
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_product_variants_color_size', 'product_variants', ['color', 'size', 'product_id', 'stock'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ANALYZE product_variants')


def downgrade() -> None:
    op.drop_index('ix_product_variants_color_size', table_name='product_variants')
