"""proactive messages: consents (wording, time, conversation) and the notification outbox

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 23:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('proactive_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('sender_id', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('wording', sa.Text(), nullable=False),
    sa.Column('order_number', sa.String(length=20), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('colors', sa.String(length=200), nullable=False),
    sa.Column('sizes', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_proactive_consents_product_id_products'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proactive_consents'))
    )
    op.create_index('ix_proactive_consents_status_kind', 'proactive_consents', ['status', 'kind'])
    op.create_index('ix_proactive_consents_sender_id', 'proactive_consents', ['sender_id'])
    op.create_table('proactive_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('token', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('clicked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['proactive_consents.id'],
                            name=op.f('fk_proactive_outbox_consent_id_proactive_consents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proactive_outbox')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_proactive_outbox_dedupe_key')),
    sa.UniqueConstraint('token', name=op.f('uq_proactive_outbox_token'))
    )
    op.create_index('ix_proactive_outbox_status', 'proactive_outbox', ['status'])
    op.create_index(op.f('ix_proactive_outbox_consent_id'), 'proactive_outbox', ['consent_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_proactive_outbox_consent_id'), table_name='proactive_outbox')
    op.drop_index('ix_proactive_outbox_status', table_name='proactive_outbox')
    op.drop_table('proactive_outbox')
    op.drop_index('ix_proactive_consents_sender_id', table_name='proactive_consents')
    op.drop_index('ix_proactive_consents_status_kind', table_name='proactive_consents')
    op.drop_table('proactive_consents')
