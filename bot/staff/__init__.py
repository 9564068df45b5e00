"""Staff accounts and login sessions of the support console (no web framework here).

Services take a SQLAlchemy session and never commit: the caller owns the transaction.
"""
