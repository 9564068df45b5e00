"""conversation refs: the console's opaque names for conversations

The console shows and links conversations by a keyed digest of the sender id
(bot/conversation_refs.py) instead of the sender id, which is the visitor's
bearer secret on the public API. This table resolves a ref from a console URL.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('conversation_refs',
    sa.Column('ref', sa.String(length=32), nullable=False),
    sa.Column('sender_id', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('ref', name=op.f('pk_conversation_refs')),
    sa.UniqueConstraint('sender_id', name=op.f('uq_conversation_refs_sender_id'))
    )


def downgrade() -> None:
    op.drop_table('conversation_refs')
