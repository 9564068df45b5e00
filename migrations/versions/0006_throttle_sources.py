"""throttle and handoff sources: who tried, from where

Verification failures also record the source (a keyed digest of the caller's
network or integration) and a keyed digest of the email tried, so throttles can
count per source, per email and globally besides per conversation. Handoff
requests record their source so one source cannot fill the live queue.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('verification_failures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('email_digest', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_verification_failures_source'), ['source'], unique=False)
        batch_op.create_index(batch_op.f('ix_verification_failures_email_digest'), ['email_digest'], unique=False)
    with op.batch_alter_table('handoff_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_handoff_requests_source'), ['source'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('handoff_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_requests_source'))
        batch_op.drop_column('source')
    with op.batch_alter_table('verification_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verification_failures_email_digest'))
        batch_op.drop_index(batch_op.f('ix_verification_failures_source'))
        batch_op.drop_column('email_digest')
        batch_op.drop_column('source')
