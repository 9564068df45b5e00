"""Customer segments (RFM): scores, named segments, the precomputed table and its reads.

``python -m bot.segments refresh`` rebuilds the table now (the aggregates job does it
every 5 minutes); ``python -m bot.segments report`` prints the segment table of the shop
or of the public Online Retail data (``--source online-retail``).
"""

from bot.segments.refresh import TREND_DAYS, customer_rfm, refresh_segments
from bot.segments.rfm import SEGMENT_MAP, SEGMENTS, CustomerRfm, quintile_scores, score_customers, segment_of
from bot.segments.views import CustomerSegmentView, SegmentOverview, customer_segment, segment_overview

__all__ = [
    "SEGMENTS", "SEGMENT_MAP", "TREND_DAYS", "CustomerRfm", "CustomerSegmentView", "SegmentOverview",
    "customer_rfm", "customer_segment", "quintile_scores", "refresh_segments", "score_customers",
    "segment_of", "segment_overview",
]
