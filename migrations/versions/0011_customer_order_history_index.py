"""customer order history index: a customer's orders newest first

"What else did I order?" lists a verified customer's newest orders; with this index it
reads them from the top of the customer's range instead of sorting all of them (a
demo customer of the 1M-order shop has 2,000).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 10:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_orders_customer_newest', 'orders', ['customer_id', sa.text('placed_at DESC'), sa.text('id DESC')])


def downgrade() -> None:
    op.drop_index('ix_orders_customer_newest', table_name='orders')
