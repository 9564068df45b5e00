"""precomputed aggregates: best sellers, catalog groups, and rating-ordered product indexes

``best_sellers`` holds each window's and category's top products by units sold and
``catalog_groups`` the number of products per category and brand; ``python -m
bot.aggregates`` rebuilds both (``make run`` every 5 minutes). Ratings live on the
products themselves, so "top rated" and personal picks need only indexes in rating
order, walked from the top instead of sorting the catalog; the variant options of a
product are read from one covering index by the search's colour, size and stock checks.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RATING_ORDER = [sa.text('rating DESC'), sa.text('review_count DESC'), 'id']


def upgrade() -> None:
    op.create_table('best_sellers',
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('window_days', 'category_id', 'rank', name=op.f('pk_best_sellers'))
    )
    op.create_table('catalog_groups',
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('products', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('category_id', 'brand_id', name=op.f('pk_catalog_groups'))
    )
    op.create_table('aggregate_refreshes',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_aggregate_refreshes'))
    )
    op.create_index('ix_products_rating_order', 'products', _RATING_ORDER)
    op.create_index('ix_products_category_rating_order', 'products', ['category_id', *_RATING_ORDER])
    op.create_index('ix_products_group_rating_order', 'products', ['category_id', 'brand_id', *_RATING_ORDER])
    op.create_index('ix_product_variants_options', 'product_variants', ['product_id', 'color', 'size', 'stock'])
    if op.get_bind().dialect.name == 'postgresql':
        # Fresh statistics for the new indexes (and the trigram ones of 0008), so the
        # first searches do not wait for autovacuum to pick the plans above.
        op.execute('ANALYZE products')
        op.execute('ANALYZE product_variants')


def downgrade() -> None:
    op.drop_index('ix_product_variants_options', table_name='product_variants')
    op.drop_index('ix_products_group_rating_order', table_name='products')
    op.drop_index('ix_products_category_rating_order', table_name='products')
    op.drop_index('ix_products_rating_order', table_name='products')
    op.drop_table('aggregate_refreshes')
    op.drop_table('catalog_groups')
    op.drop_table('best_sellers')
