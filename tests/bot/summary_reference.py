"""What the raw tracker events say about each conversation, computed the plain way (for comparisons).

Independent of ``bot.summaries``: it walks the tracker rows in Python and applies
the console's definitions directly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from bot.summaries.tables import summaries, turns
from bot.transcripts.store import events


@dataclass
class Expected:
    started: float = float("inf")
    last: float = float("-inf")
    turns: int = 0
    fallback: bool = False
    handoff: bool = False
    lowest: float | None = None
    intents: list[str] = field(default_factory=list)
    first_text: str | None = None


def _confidence(data: dict[str, Any]) -> float | None:
    parse = data.get("parse_data") or {}
    if (parse.get("intent") or {}).get("name") == "nlu_fallback":
        ranking = parse.get("intent_ranking") or []
        return ranking[1]["confidence"] if len(ranking) > 1 else None
    return (parse.get("intent") or {}).get("confidence")


def expected_from_rows(rows: list[dict[str, Any]]) -> dict[str, Expected]:
    found: dict[str, Expected] = {}
    for row in sorted(rows, key=lambda r: (r["timestamp"], r.get("id", 0))):
        e = found.setdefault(row["sender_id"], Expected())
        ts = row["timestamp"]
        e.started, e.last = min(e.started, ts), max(e.last, ts)
        data = json.loads(row["data"])
        if row["type_name"] == "user":
            e.turns += 1
            intent = (data.get("parse_data") or {}).get("intent", {}).get("name")
            if intent == "nlu_fallback":
                e.fallback = True
            if intent and intent not in e.intents:
                e.intents.append(intent)
            confidence = _confidence(data)
            if confidence is not None:
                e.lowest = confidence if e.lowest is None else min(e.lowest, confidence)
            if e.first_text is None and data.get("text"):
                shown = (data.get("metadata") or {}).get("display") or data["text"]
                e.first_text = " ".join(shown.split())[:140]
        elif row["type_name"] == "action":
            e.fallback = e.fallback or data.get("name") == "action_default_fallback"
            e.handoff = e.handoff or data.get("name") == "action_handoff"
    return found


def expected_from_tracker(engine: Engine, sender_ids: set[str] | None = None) -> dict[str, Expected]:
    with engine.connect() as conn:
        stmt = select(events)
        if sender_ids is not None:
            stmt = stmt.where(events.c.sender_id.in_(sorted(sender_ids)))
        return expected_from_rows([dict(r._mapping) for r in conn.execute(stmt)])


def summarised(engine: Engine, sender_ids: set[str] | None = None) -> dict[str, Expected]:
    """The summary tables' view of the same conversations, in the same shape."""
    with engine.connect() as conn:
        stmt = select(summaries)
        if sender_ids is not None:
            stmt = stmt.where(summaries.c.sender_id.in_(sorted(sender_ids)))
        found = {r.sender_id: Expected(started=r.started_at, last=r.last_at, turns=r.turns, fallback=bool(r.fallback),
                                       handoff=bool(r.handoff), lowest=r.lowest_confidence, first_text=r.first_text)
                 for r in conn.execute(stmt)}
        for row in conn.execute(select(turns.c.sender_id, turns.c.intent).where(turns.c.intent.is_not(None))
                                .order_by(turns.c.ts)):
            if row.sender_id in found and row.intent not in found[row.sender_id].intents:
                found[row.sender_id].intents.append(row.intent)
    return found
