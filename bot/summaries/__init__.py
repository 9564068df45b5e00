"""The console's read model: per-conversation and per-turn summaries of Rasa's tracker events.

Rasa's event broker feeds them (``feed_sql`` for the SQL broker of the embedded
default, ``feed_amqp`` for RabbitMQ); ``backfill`` builds them from the tracker
store. Every write is idempotent, so an event delivered twice, or both by the
backfill and the broker, counts once (``apply``).
"""
