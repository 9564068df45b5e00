"""Returns: eligibility after delivery, reason codes, and recorded return requests."""

from bot.returns.eligibility import ReturnableItem, ReturnEligibility, match_item, return_eligibility
from bot.returns.reasons import REASON_CODES, parse_reason
from bot.returns.service import ReturnView, create_return

__all__ = [
    "REASON_CODES",
    "ReturnEligibility",
    "ReturnView",
    "ReturnableItem",
    "create_return",
    "match_item",
    "parse_reason",
    "return_eligibility",
]
