"""A product line as shops list it: the classic, named just brand and line, beside the line's accessories."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from bot.models import Product, ProductVariant


def add_line_classic(session, line: str) -> Product:
    """The product named just brand and line, beside the seeded products of the line
    ("Fjallraven Kanken" beside "Fjallraven Kanken Mini Hip Pack"). Rated below all of them
    and sold out in pink (in stock in black): nothing but its name can make it the match."""
    family = session.scalars(select(Product).where(Product.name.ilike(f"% {line} %"))).all()
    assert family, f"the test shop has no {line} products"
    like = family[0]
    slug = f"test-{line.lower()}"
    product = Product(sku=slug.upper(), slug=slug, name=f"{like.brand.name} {line}",
                      description=f"The {line} is a durable backpack for school and study.", price=like.price,
                      category_id=like.category_id, brand_id=like.brand_id, rating=Decimal("0.0"), review_count=0,
                      variants=[ProductVariant(sku=f"{slug}-pink", color="pink", size="", stock=0),
                                ProductVariant(sku=f"{slug}-black", color="black", size="", stock=3)])
    session.add(product)
    session.flush()
    return product
