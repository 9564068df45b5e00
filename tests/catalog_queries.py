"""Which products the seeded catalog says match a set of filters, by plain SQL (for search tests)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import and_, exists, or_, select

from bot.models import Brand, Category, Product, ProductVariant


def db_ids(session, *, category=None, brand=None, color=None, size=None, price_max=None, words=()):
    """The products the DB says match, by plain SQL."""
    stmt = select(Product.id).join(Product.category).join(Product.brand)
    if category:
        stmt = stmt.where(Category.slug == category)
    if brand:
        stmt = stmt.where(Brand.slug == brand)
    if price_max is not None:
        stmt = stmt.where(Product.price <= Decimal(price_max))
    if color or size:
        variant = [ProductVariant.product_id == Product.id]
        if color:
            variant.append(ProductVariant.color == color)
        if size:
            variant.append(ProductVariant.size == size)
        stmt = stmt.where(exists().where(and_(*variant)))
    if words:
        stmt = stmt.where(or_(*(Product.name.ilike(f"%{w}%") | Product.description.ilike(f"%{w}%") for w in words)))
    return set(session.scalars(stmt))
