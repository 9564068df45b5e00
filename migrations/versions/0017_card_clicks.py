"""Clicks on the widget's product cards, for analytics and the A/B metric "product card clicked" (issue 20 part 3)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 02:40:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('card_clicks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('message_seq', sa.BigInteger(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('clicked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'],
                            name=op.f('fk_card_clicks_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_clicks')),
    sa.UniqueConstraint('sender_id', 'message_seq', 'product_id', name='uq_card_clicks_card')
    )
    op.create_index(op.f('ix_card_clicks_product_id'), 'card_clicks', ['product_id'])
    op.create_index(op.f('ix_card_clicks_clicked_at'), 'card_clicks', ['clicked_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_card_clicks_clicked_at'), table_name='card_clicks')
    op.drop_index(op.f('ix_card_clicks_product_id'), table_name='card_clicks')
    op.drop_table('card_clicks')
