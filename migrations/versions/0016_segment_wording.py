"""Per-segment wording of responses, and experiments limited to one customer segment (issue 20 part 4)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 00:20:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('segment_wordings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response', sa.String(length=80), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('segment', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=120), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segment_wordings')),
    sa.UniqueConstraint('response', 'language', 'segment', name='uq_segment_wordings_rule')
    )
    # Nullable, so existing experiments keep enrolling everyone.
    op.add_column('experiments', sa.Column('segment', sa.String(length=40), nullable=True))


_RUNNING = sa.text("status = 'running'")


def downgrade() -> None:
    # SQLite copies the table to drop a column; the partial index is set aside and rebuilt around it.
    op.drop_index('uq_experiments_running_response', table_name='experiments')
    with op.batch_alter_table('experiments') as batch:
        batch.drop_column('segment')
    op.create_index('uq_experiments_running_response', 'experiments', ['response', 'language'], unique=True,
                    postgresql_where=_RUNNING, sqlite_where=_RUNNING)
    op.drop_table('segment_wordings')
