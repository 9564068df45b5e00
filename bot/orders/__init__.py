"""Orders: verification of ownership and the status a customer may see."""

from bot.orders.parsing import normalise_email, normalise_order_number
from bot.orders.status import OrderItemView, OrderView, order_view
from bot.orders.verification import verify_order

__all__ = [
    "OrderItemView",
    "OrderView",
    "normalise_email",
    "normalise_order_number",
    "order_view",
    "verify_order",
]
