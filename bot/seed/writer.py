"""Buffered bulk inserts that keep memory bounded and respect foreign keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

Row = dict[str, Any]


class BatchWriter:
    """Collect rows per model and insert them with executemany in FK order."""

    def __init__(
        self,
        session: Session,
        models: Sequence[type],
        batch_size: int = 5000,
    ) -> None:
        self._session = session
        # Parents come first in ``models``; flushing in that order means a
        # child row never reaches the database before the row it points to.
        self._buffers: dict[type, list[Row]] = {model: [] for model in models}
        self._batch_size = batch_size
        self.counts: dict[type, int] = {model: 0 for model in models}

    def add(self, model: type, row: Row) -> None:
        """Queue one row; flush everything once any buffer is full."""
        buffer = self._buffers[model]
        buffer.append(row)
        if len(buffer) >= self._batch_size:
            self.flush()

    def flush(self) -> None:
        """Insert all queued rows, parents before children."""
        for model, rows in self._buffers.items():
            if rows:
                # A Core insert against the table skips the ORM's per-row
                # bookkeeping; the dicts already hold every column value.
                self._session.execute(insert(model.__table__), rows)  # type: ignore[attr-defined]
                self.counts[model] += len(rows)
                rows.clear()
