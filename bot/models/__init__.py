"""ORM models of the shop database; import from here."""

from bot.models.base import Base
from bot.models.catalog import Brand, Category, Product, ProductVariant
from bot.models.customers import Customer
from bot.models.orders import (
    ORDER_STATUSES,
    Order,
    OrderItem,
    OrderStatus,
    OrderStatusEvent,
)
from bot.models.security import VerificationFailure

__all__ = [
    "ORDER_STATUSES",
    "Base",
    "Brand",
    "Category",
    "Customer",
    "Order",
    "OrderItem",
    "OrderStatus",
    "OrderStatusEvent",
    "Product",
    "ProductVariant",
    "VerificationFailure",
]
