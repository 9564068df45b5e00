"""A/B experiments on responses: experiments, their arms, and the conversations exposed to an arm

Issue 20 part 3; it follows 0014 (proactive messages), written at the same time.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 23:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RUNNING = sa.text("status = 'running'")


def upgrade() -> None:
    op.create_table('experiments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('response', sa.String(length=80), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('metric', sa.String(length=20), nullable=False),
    sa.Column('metric_days', sa.Integer(), nullable=False),
    sa.Column('baseline_rate', sa.Float(), nullable=False),
    sa.Column('min_effect', sa.Float(), nullable=False),
    sa.Column('alpha', sa.Float(), nullable=False),
    sa.Column('power', sa.Float(), nullable=False),
    sa.Column('status', sa.Enum('running', 'stopped', name='experiment_status', native_enum=False, length=20),
              nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('frozen_report', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experiments'))
    )
    op.create_index(op.f('ix_experiments_response'), 'experiments', ['response'])
    op.create_index('uq_experiments_running_response', 'experiments', ['response', 'language'], unique=True,
                    postgresql_where=_RUNNING, sqlite_where=_RUNNING)
    op.create_table('experiment_arms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('experiment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['experiment_id'], ['experiments.id'],
                            name=op.f('fk_experiment_arms_experiment_id_experiments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experiment_arms')),
    sa.UniqueConstraint('experiment_id', 'position', name='uq_experiment_arms_position')
    )
    op.create_index(op.f('ix_experiment_arms_experiment_id'), 'experiment_arms', ['experiment_id'])
    op.create_table('experiment_exposures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('experiment_id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('exposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                            name=op.f('fk_experiment_exposures_customer_id_customers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['experiment_id'], ['experiments.id'],
                            name=op.f('fk_experiment_exposures_experiment_id_experiments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experiment_exposures')),
    sa.UniqueConstraint('experiment_id', 'sender_id', name='uq_experiment_exposures_sender')
    )
    op.create_index(op.f('ix_experiment_exposures_experiment_id'), 'experiment_exposures', ['experiment_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_experiment_exposures_experiment_id'), table_name='experiment_exposures')
    op.drop_table('experiment_exposures')
    op.drop_index(op.f('ix_experiment_arms_experiment_id'), table_name='experiment_arms')
    op.drop_table('experiment_arms')
    op.drop_index('uq_experiments_running_response', table_name='experiments')
    op.drop_index(op.f('ix_experiments_response'), table_name='experiments')
    op.drop_table('experiments')
