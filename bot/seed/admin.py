"""Checks and clean-up around seeding: missing tables, emptiness, reset, sequences."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Engine, Table, delete, inspect, select, text
from sqlalchemy.orm import Session

from bot.models import (
    Brand,
    Category,
    Customer,
    HandoffRequest,
    Order,
    OrderItem,
    OrderStatusEvent,
    Product,
    ProductVariant,
    ReturnRequest,
    VerificationFailure,
)

# Children before parents, so deleting in this order never breaks a foreign key.
SHOP_TABLES: list[Table] = [
    cast(Table, model.__table__)
    for model in (ReturnRequest, OrderStatusEvent, OrderItem, Order, HandoffRequest,
                  VerificationFailure, Customer, ProductVariant, Product, Brand, Category)
]

# Tables written by conversations, not by the seed; reset empties them too.
_CONVERSATION_TABLES = {t.__tablename__ for t in (ReturnRequest, HandoffRequest, VerificationFailure)}

# The tables the seed writes (and must find empty).
SEEDED_TABLES: list[Table] = [t for t in SHOP_TABLES if t.name not in _CONVERSATION_TABLES]


def missing_tables(engine: Engine) -> list[str]:
    """Names of shop tables the database lacks (migrations not run)."""
    existing = set(inspect(engine).get_table_names())
    return [t.name for t in reversed(SHOP_TABLES) if t.name not in existing]


def non_empty_tables(session: Session) -> list[str]:
    """Names of seeded tables that already hold rows."""
    return [
        t.name for t in reversed(SEEDED_TABLES)
        if session.execute(select(t.c.id).limit(1)).first() is not None
    ]


def reset_shop(session: Session) -> None:
    """Delete every row of the shop tables (the tables themselves stay)."""
    for table in SHOP_TABLES:
        session.execute(delete(table))


def sync_sequences(session: Session) -> None:
    """On PostgreSQL, move id sequences past the explicit ids the seed wrote."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in SEEDED_TABLES:
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
        ))
