"""Catalog: categories, brands, products and their size/colour variants."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # Words visitors use for this category ("trainers", "tees"), comma separated.
    synonyms: Mapped[str] = mapped_column(Text, default="")

    products: Mapped[list[Product]] = relationship(back_populates="category")


class Brand(Base):
    __tablename__ = "brands"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))

    products: Mapped[list[Product]] = relationship(back_populates="brand")


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        Index("ix_products_category_price", "category_id", "price"),
        # Rating order (best first), walked from the top by "top rated", personal picks
        # and search candidates instead of sorting the catalog (migration 0009).
        Index("ix_products_rating_order", text("rating DESC"), text("review_count DESC"), "id"),
        Index("ix_products_category_rating_order", "category_id", text("rating DESC"),
              text("review_count DESC"), "id"),
        Index("ix_products_group_rating_order", "category_id", "brand_id", text("rating DESC"),
              text("review_count DESC"), "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text)
    # Free-form specs such as material, weight, drop; JSON text for portability.
    attributes: Mapped[str] = mapped_column(Text, default="{}")
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    rating: Mapped[Decimal] = mapped_column(Numeric(2, 1), default=Decimal("0.0"))
    review_count: Mapped[int] = mapped_column(default=0)
    image_url: Mapped[str] = mapped_column(String(300), default="")

    category: Mapped[Category] = relationship(back_populates="products")
    brand: Mapped[Brand] = relationship(back_populates="products")
    variants: Mapped[list[ProductVariant]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductVariant.id"
    )


class ProductVariant(Base):
    __tablename__ = "product_variants"
    __table_args__ = (
        UniqueConstraint("product_id", "size", "color", name="uq_variant_option"),
        # Whether one product has a variant of a colour and size in stock (migration 0009),
        # and which products have one, as one range (migration 0010).
        Index("ix_product_variants_options", "product_id", "color", "size", "stock"),
        Index("ix_product_variants_color_size", "color", "size", "product_id", "stock"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(String(60), unique=True)
    size: Mapped[str] = mapped_column(String(20), default="")
    color: Mapped[str] = mapped_column(String(40), index=True)
    stock: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(back_populates="variants")
