"""Domain core of the shop support bot: settings, database, catalog, orders.

Imports neither ``rasa_sdk`` nor ``fastapi``; the adapters in ``actions/`` and
``api/`` call into this package.
"""
