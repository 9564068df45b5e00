"""customer segments: each customer's RFM scores and segment, now and 30 and 90 days ago

``python -m bot.aggregates`` rebuilds the table with the best sellers (``make run``
every 5 minutes). Rows with ``days_ago`` 30 and 90 are the segments recomputed as of
those dates from the order history, for the console's trend.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 20:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('customer_segments',
    sa.Column('days_ago', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('segment', sa.String(length=40), nullable=False),
    sa.Column('r_score', sa.Integer(), nullable=False),
    sa.Column('f_score', sa.Integer(), nullable=False),
    sa.Column('m_score', sa.Integer(), nullable=False),
    sa.Column('recency_days', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.Integer(), nullable=False),
    sa.Column('monetary', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.PrimaryKeyConstraint('days_ago', 'customer_id', name=op.f('pk_customer_segments'))
    )
    op.create_index('ix_customer_segments_days_ago_segment', 'customer_segments', ['days_ago', 'segment'])


def downgrade() -> None:
    op.drop_index('ix_customer_segments_days_ago_segment', table_name='customer_segments')
    op.drop_table('customer_segments')
