"""The curated demo customers and orders that README examples and tests rely on."""

from __future__ import annotations

from typing import Any

# The first customers are always these people, whatever the seed.
DEMO_CUSTOMERS: list[dict[str, str]] = [
    {"first_name": "Emma", "last_name": "Schmidt", "email": "emma.schmidt@example.com",
     "country": "DE"},
    {"first_name": "James", "last_name": "Okafor", "email": "james.okafor@example.com",
     "country": "GB"},
    {"first_name": "Sofia", "last_name": "Martinez", "email": "sofia.martinez@example.org",
     "country": "ES"},
    {"first_name": "Noah", "last_name": "Miller", "email": "noah.miller@example.com",
     "country": "US"},
    {"first_name": "Chloe", "last_name": "Dubois", "email": "chloe.dubois@example.net",
     "country": "FR"},
    {"first_name": "Lucas", "last_name": "van Dijk", "email": "lucas.vandijk@example.com",
     "country": "NL"},
]

DEMO_ORDERS: list[dict[str, str]] = [
    {"number": "100001", "email": "emma.schmidt@example.com", "status": "shipped",
     "note": "In transit with DHL; estimated delivery 2 days after the seed date."},
    {"number": "100002", "email": "james.okafor@example.com", "status": "delivered",
     "note": "Delivered 5 days before the seed date; inside the 30-day return window."},
    {"number": "100003", "email": "sofia.martinez@example.org", "status": "placed",
     "note": "Placed the day before the seed date, not paid or shipped yet; cancellable."},
    {"number": "100004", "email": "noah.miller@example.com", "status": "shipped",
     "note": "Late: shipped with UPS, estimated delivery 4 days before the seed date, "
             "not delivered."},
    {"number": "100005", "email": "chloe.dubois@example.net", "status": "delivered",
     "note": "Delivered 60 days before the seed date; outside the 30-day return window."},
    {"number": "100006", "email": "lucas.vandijk@example.com", "status": "cancelled",
     "note": "Cancelled at the customer's request before it was packed."},
]

# How each demo order unfolds, in days before the seed date ("today") and
# wall-clock times; items name categories whose first product is ordered.
DEMO_TIMELINES: dict[str, dict[str, Any]] = {
    "100001": {
        "events": [("placed", 3, "09:14"), ("paid", 3, "09:15"), ("packed", 2, "14:30"),
                   ("shipped", 1, "16:05")],
        "carrier": "DHL", "estimated_delivery": -2, "items": ["running-shoes", "t-shirts"],
    },
    "100002": {
        "events": [("placed", 12, "19:42"), ("paid", 12, "19:43"), ("packed", 11, "10:20"),
                   ("shipped", 10, "15:00"), ("delivered", 5, "13:27")],
        "carrier": "Royal Mail", "estimated_delivery": 5, "items": ["jackets"],
    },
    "100003": {
        "events": [("placed", 1, "21:08")],
        "carrier": None, "estimated_delivery": None, "items": ["headphones", "backpacks"],
    },
    "100004": {
        "events": [("placed", 13, "08:30"), ("paid", 13, "08:31"), ("packed", 12, "11:00"),
                   ("shipped", 11, "17:45")],
        "carrier": "UPS", "estimated_delivery": 4, "items": ["sneakers"],
    },
    "100005": {
        "events": [("placed", 66, "12:03"), ("paid", 66, "12:04"), ("packed", 65, "09:40"),
                   ("shipped", 64, "16:20"), ("delivered", 60, "11:52")],
        "carrier": "DPD", "estimated_delivery": 60, "items": ["watches"],
    },
    "100006": {
        "events": [("placed", 8, "10:02"), ("paid", 8, "10:03"), ("cancelled", 7, "09:30")],
        "carrier": None, "estimated_delivery": None, "items": ["hoodies", "jeans"],
    },
}
