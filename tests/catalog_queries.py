"""Search test helpers: questions wrapped in chat, and which products the seeded catalog says match
a set of filters, by plain SQL."""

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


# A question wrapped in chat, and the filters it names.
CHATTY = [
    ("I'm hunting for a grey nike hoodie, 70 dollars max",
     {"category": "hoodies", "brand": "nike", "color": "grey", "price_max": "70"}),
    ("hang on, before that - do you have hiking boots in size 44?", {"category": "boots", "size": "44"}),
    ("hiii 👋 got any red running shoes under $120?",
     {"category": "running-shoes", "color": "red", "price_max": "120"}),
    ("ok so i need a blue tee for my son", {"category": "t-shirts", "color": "blue"}),
    ("hiya! just wondering, do you do black sneakers? size 42",
     {"category": "sneakers", "color": "black", "size": "42"}),
    ("umm before that, quick question: any adidas hoodies under 80 bucks?",
     {"category": "hoodies", "brand": "adidas", "price_max": "80"}),
    ("good morning 🙂 do you have any green jackets", {"category": "jackets", "color": "green"}),
    ("sorry to bother you, but are there any white sneakers in size 41?",
     {"category": "sneakers", "color": "white", "size": "41"}),
    ("btw my budget is $60, any hoodies?", {"category": "hoodies", "price_max": "60"}),
    ("for my girlfriend's birthday: a beige hoodie pls", {"category": "hoodies", "color": "beige"}),
    ("erm, thinking of getting some new boots, brown ones, size 43",
     {"category": "boots", "color": "brown", "size": "43"}),
    ("Hey there!!! Could you show me grey hoodies from Nike? Thx a lot",
     {"category": "hoodies", "brand": "nike", "color": "grey"}),
    ("tbh I'm just browsing, maybe a watch under 200?", {"category": "watches", "price_max": "200"}),
    ("my son really needs black running shoes asap, size 42",
     {"category": "running-shoes", "color": "black", "size": "42"}),
    ("heyyy so like, wondering if u got navy jackets for my husband", {"category": "jackets", "color": "navy"}),
    ("ok cool cool. and what about jeans in size 32, under 90?",
     {"category": "jeans", "size": "32", "price_max": "90"}),
    ("yo!! need a backpack for uni, black, under 100 pls 🙏",
     {"category": "backpacks", "color": "black", "price_max": "100"}),
    ("wait actually scratch that, show me puma sneakers instead", {"category": "sneakers", "brand": "puma"}),
]
