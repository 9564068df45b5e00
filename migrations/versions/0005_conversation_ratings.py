"""conversation ratings and unmet product searches

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 14:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('conversation_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('rating', sa.SmallInteger(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_conversation_ratings_rating_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_ratings')),
    sa.UniqueConstraint('sender_id', name=op.f('uq_conversation_ratings_sender_id'))
    )
    with op.batch_alter_table('conversation_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_ratings_created_at'), ['created_at'], unique=False)

    op.create_table('unmet_searches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('query_text', sa.String(length=300), nullable=False),
    sa.Column('normalized_query', sa.String(length=300), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('kind', sa.Enum('no_results', 'out_of_stock', name='unmet_kind', native_enum=False, length=20), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unmet_searches'))
    )
    with op.batch_alter_table('unmet_searches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unmet_searches_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_unmet_searches_normalized_query'), ['normalized_query'], unique=False)
        batch_op.create_index(batch_op.f('ix_unmet_searches_sender_id'), ['sender_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('unmet_searches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unmet_searches_sender_id'))
        batch_op.drop_index(batch_op.f('ix_unmet_searches_normalized_query'))
        batch_op.drop_index(batch_op.f('ix_unmet_searches_created_at'))

    op.drop_table('unmet_searches')
    with op.batch_alter_table('conversation_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_ratings_created_at'))

    op.drop_table('conversation_ratings')
