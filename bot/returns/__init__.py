"""Returns: eligibility after delivery, reason codes, and recorded return requests."""

from bot.returns.eligibility import ReturnableItem, ReturnEligibility, return_eligibility
from bot.returns.reasons import REASON_CODES, parse_reason
from bot.returns.service import ReturnView, create_return

__all__ = [
    "REASON_CODES",
    "ReturnEligibility",
    "ReturnView",
    "ReturnableItem",
    "create_return",
    "parse_reason",
    "return_eligibility",
]
