"""Product searches the catalog could not satisfy: the shop's unmet demand."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, utcnow


class UnmetKind(str, enum.Enum):
    NO_RESULTS = "no_results"  # nothing matched what was asked (nearest matches may have been offered)
    OUT_OF_STOCK = "out_of_stock"  # matches exist, but none is in stock


class UnmetSearch(Base):
    __tablename__ = "unmet_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    query_text: Mapped[str] = mapped_column(String(300))
    # The grouping key: the parsed query in catalog terms, or the tidied text.
    normalized_query: Mapped[str] = mapped_column(String(300), index=True)
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    kind: Mapped[UnmetKind] = mapped_column(
        Enum(UnmetKind, name="unmet_kind", values_callable=lambda e: [m.value for m in e],
             native_enum=False, length=20)
    )
    sender_id: Mapped[str | None] = mapped_column(String(128), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
