"""Learned recommendations: an ALS model over order history (``implicit``), its offline
evaluation against popularity and today's rules, and serving with the rules as fallback.

Train with ``python -m bot.recs train`` (``make recs``); evaluate with
``python -m bot.recs evaluate --source demo|online-retail`` (``make recs-eval``).
"""
