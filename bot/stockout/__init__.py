"""Stock-out warnings: variants likely to sell out within 14 days (SBA forecast), and their backtest.

``python -m bot.stockout list`` prints the warnings; ``python -m bot.stockout backtest
[--source shop|online-retail]`` prints the backtest figures.
"""

from bot.stockout.forecast import HORIZON_DAYS, WINDOW_DAYS, StockoutRisk, croston_rate, days_of_cover
from bot.stockout.service import stockout_risks

__all__ = ["HORIZON_DAYS", "WINDOW_DAYS", "StockoutRisk", "croston_rate", "days_of_cover", "stockout_risks"]
