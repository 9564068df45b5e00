"""Clicks on the product cards of the widget (issue 20 part 3): signed links, the click record, daily counts.

The gateway gives each card it relays a link ``/cards/c/<token>`` (``click_path``); following it
records the click (``record_click``) and leads to the product's page in the shop.
"""

from bot.card_clicks.links import CLICK_PREFIX, click_path, parse_token, sign
from bot.card_clicks.service import record_click
from bot.card_clicks.stats import ClickDay, clicks_per_day

__all__ = ["CLICK_PREFIX", "ClickDay", "click_path", "clicks_per_day", "parse_token", "record_click", "sign"]
