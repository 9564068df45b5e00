"""conversation review data: reviewed flags, tags, notes, NLU corrections, deletion audit

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 14:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('conversation_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=255), nullable=False),
    sa.Column('reviewed', sa.Boolean(), nullable=False),
    sa.Column('reviewed_by', sa.String(length=120), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_reviews')),
    sa.UniqueConstraint('sender_id', name=op.f('uq_conversation_reviews_sender_id'))
    )
    with op.batch_alter_table('conversation_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_reviews_reviewed'), ['reviewed'], unique=False)

    op.create_table('conversation_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=255), nullable=False),
    sa.Column('tag', sa.String(length=40), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_tags')),
    sa.UniqueConstraint('sender_id', 'tag', name='uq_conversation_tags_sender_tag')
    )
    with op.batch_alter_table('conversation_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_tags_sender_id'), ['sender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversation_tags_tag'), ['tag'], unique=False)

    op.create_table('conversation_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=255), nullable=False),
    sa.Column('author', sa.String(length=120), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_notes'))
    )
    with op.batch_alter_table('conversation_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_notes_sender_id'), ['sender_id'], unique=False)

    op.create_table('nlu_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=255), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('original_intent', sa.String(length=255), nullable=True),
    sa.Column('corrected_intent', sa.String(length=255), nullable=False),
    sa.Column('corrected_entities', sa.JSON(), nullable=False),
    sa.Column('author', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nlu_corrections')),
    sa.UniqueConstraint('sender_id', 'event_id', name='uq_nlu_corrections_sender_event')
    )
    with op.batch_alter_table('nlu_corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nlu_corrections_corrected_intent'), ['corrected_intent'], unique=False)
        batch_op.create_index(batch_op.f('ix_nlu_corrections_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_nlu_corrections_sender_id'), ['sender_id'], unique=False)

    op.create_table('conversation_deletions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=255), nullable=False),
    sa.Column('deleted_by', sa.String(length=254), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('events_deleted', sa.Integer(), nullable=False),
    sa.Column('shop_rows_deleted', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_deletions'))
    )
    with op.batch_alter_table('conversation_deletions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_deletions_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversation_deletions_sender_id'), ['sender_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('conversation_deletions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_deletions_sender_id'))
        batch_op.drop_index(batch_op.f('ix_conversation_deletions_deleted_at'))
    op.drop_table('conversation_deletions')

    with op.batch_alter_table('nlu_corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nlu_corrections_sender_id'))
        batch_op.drop_index(batch_op.f('ix_nlu_corrections_created_at'))
        batch_op.drop_index(batch_op.f('ix_nlu_corrections_corrected_intent'))
    op.drop_table('nlu_corrections')

    with op.batch_alter_table('conversation_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_notes_sender_id'))
    op.drop_table('conversation_notes')

    with op.batch_alter_table('conversation_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_tags_tag'))
        batch_op.drop_index(batch_op.f('ix_conversation_tags_sender_id'))
    op.drop_table('conversation_tags')

    with op.batch_alter_table('conversation_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_reviews_reviewed'))
    op.drop_table('conversation_reviews')
