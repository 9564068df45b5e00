"""A conversation's full timeline for staff: messages with NLU results, actions, slot changes, times."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.engine import Connection

from bot.transcripts.masking import EMAIL_MASK, ORDER_MASK, PERSONAL_ENTITIES, mask_slot, mask_text, mask_value
from bot.transcripts.store import StoredEvent, events_after

FALLBACK_INTENT = "nlu_fallback"
MAX_EVENTS = 5000
# Bookkeeping events that say nothing a reviewer needs.
_SKIPPED_TYPES = frozenset({"user_featurization", "entities"})
_SKIPPED_ACTIONS = frozenset({"action_listen"})


@dataclass(frozen=True, slots=True)
class EntityView:
    entity: str
    value: Any
    start: int | None
    end: int | None
    extractor: str | None
    confidence: float | None


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """One row of the transcript; which fields are set depends on ``kind``.

    kind: visitor | bot | action | slot | loop | session | other
    """

    event_id: int
    kind: str
    at: datetime
    text: str | None = None
    # visitor messages
    raw_text: str | None = None  # what NLU saw (a button's payload, when ``text`` is its title)
    intent: str | None = None
    confidence: float | None = None
    retrieval_intent: str | None = None  # e.g. shipping_info/cost
    runner_up: str | None = None  # for nlu_fallback: the intent it beat, with ``runner_up_confidence``
    runner_up_confidence: float | None = None
    entities: tuple[EntityView, ...] = ()
    from_button: bool = False
    # bot messages
    sender: str | None = None  # bot | agent | system
    agent_name: str | None = None
    response: str | None = None  # the utter_* template
    ab_arm: str | None = None  # "experiment 3, arm B" when an A/B experiment chose the text (bot/experiments)
    # "segment Champions, wording 4" when a segment's wording chose the text (bot/experiments/segment_wording.py)
    segment_wording: str | None = None
    buttons: tuple[str, ...] = ()
    cards: tuple[str, ...] = ()
    # actions, slots, loops
    name: str | None = None
    value: Any = None
    policy: str | None = None


@dataclass(frozen=True, slots=True)
class Transcript:
    sender_id: str
    items: tuple[TimelineItem, ...]

    @property
    def started_at(self) -> datetime | None:
        return self.items[0].at if self.items else None

    @property
    def turns(self) -> int:
        return sum(1 for i in self.items if i.kind == "visitor")


def _moment(ts: float) -> datetime:
    return datetime.fromtimestamp(ts or 0.0, tz=timezone.utc)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _entities(raw: Any) -> tuple[EntityView, ...]:
    found = []
    for e in raw if isinstance(raw, list) else []:
        if not isinstance(e, dict) or "entity" not in e:
            continue
        found.append(EntityView(
            entity=str(e["entity"]), value=e.get("value"),
            start=e.get("start") if isinstance(e.get("start"), int) else None,
            end=e.get("end") if isinstance(e.get("end"), int) else None,
            extractor=e.get("extractor"), confidence=_float(e.get("confidence_entity")),
        ))
    return tuple(found)


def _retrieval(parse: dict[str, Any], intent: str | None) -> str | None:
    selector = _dict(parse.get("response_selector"))
    for key in (intent, "default"):
        response = _dict(_dict(selector.get(key)).get("response"))
        full = response.get("intent_response_key")
        if isinstance(full, str) and intent and full.startswith(intent + "/"):
            return full
    return None


def _visitor(event: StoredEvent, buttons_shown: dict[str, str]) -> TimelineItem:
    data = event.data
    parse = _dict(data.get("parse_data"))
    intent = _dict(parse.get("intent"))
    meta = _dict(data.get("metadata"))
    raw = str(data.get("text") or "")
    shown = meta.get("display") or (buttons_shown.get(raw) if raw.startswith("/") else None)
    name = intent.get("name") if isinstance(intent.get("name"), str) else None
    runner_up, runner_conf = None, None
    if name == FALLBACK_INTENT:
        ranking = [r for r in parse.get("intent_ranking") or [] if isinstance(r, dict)]
        best = next((r for r in ranking if r.get("name") != FALLBACK_INTENT), None)
        if best:
            runner_up, runner_conf = best.get("name"), _float(best.get("confidence"))
    return TimelineItem(
        event_id=event.seq, kind="visitor", at=_moment(event.timestamp), text=str(shown) if shown else raw,
        raw_text=raw, intent=name, confidence=_float(intent.get("confidence")),
        retrieval_intent=_retrieval(parse, name), runner_up=runner_up, runner_up_confidence=runner_conf,
        entities=_entities(parse.get("entities")), from_button=raw.startswith("/"),
    )


def _bot(event: StoredEvent) -> TimelineItem:
    data = event.data
    payload = _dict(data.get("data"))
    meta = _dict(data.get("metadata"))
    buttons = tuple(str(b.get("title")) for b in payload.get("buttons") or [] if isinstance(b, dict))
    custom = _dict(payload.get("custom"))
    cards = tuple(
        str(p.get("name")) for p in (custom.get("products") or []) if isinstance(p, dict)
    ) if custom.get("type") == "product_cards" else ()
    agent = meta.get("agent_name")
    sender = str(meta.get("sender") or ("agent" if agent else "bot"))
    return TimelineItem(
        event_id=event.seq, kind="bot", at=_moment(event.timestamp), text=data.get("text"),
        sender=sender if sender in ("bot", "agent", "system") else "bot", agent_name=str(agent) if agent else None,
        response=meta.get("utter_action") if isinstance(meta.get("utter_action"), str) else None,
        ab_arm=_ab_arm(meta), segment_wording=_segment_wording(meta), buttons=buttons, cards=cards,
    )


def _ab_arm(meta: dict[str, Any]) -> str | None:
    experiment, arm = meta.get("ab_experiment"), meta.get("ab_arm")
    if isinstance(experiment, int) and isinstance(arm, str):
        segment = meta.get("segment")
        limited = f" (segment {segment})" if isinstance(segment, str) else ""
        return f"experiment {experiment}, arm {arm}{limited}"
    return None


def _segment_wording(meta: dict[str, Any]) -> str | None:
    wording, segment = meta.get("segment_wording"), meta.get("segment")
    if isinstance(wording, int) and isinstance(segment, str):
        return f"segment {segment}, wording {wording}"
    return None


def _item(event: StoredEvent, buttons_shown: dict[str, str]) -> TimelineItem | None:
    data, at, kind = event.data, _moment(event.timestamp), event.type_name
    if kind == "user":
        return _visitor(event, buttons_shown)
    if kind == "bot":
        item = _bot(event)
        buttons = _dict(data.get("data")).get("buttons") or []
        buttons_shown.update({str(b["payload"]): str(b["title"]) for b in buttons
                              if isinstance(b, dict) and "payload" in b and "title" in b})
        return item
    if kind == "action":
        name = data.get("name")
        if name in _SKIPPED_ACTIONS:
            return None
        return TimelineItem(event_id=event.seq, kind="action", at=at, name=name, policy=data.get("policy"),
                            confidence=_float(data.get("confidence")))
    if kind == "slot":
        return TimelineItem(event_id=event.seq, kind="slot", at=at, name=data.get("name"), value=data.get("value"))
    if kind in ("active_loop", "form"):
        return TimelineItem(event_id=event.seq, kind="loop", at=at, name=data.get("name"))
    if kind == "session_started":
        return TimelineItem(event_id=event.seq, kind="session", at=at, name="session started")
    if kind in _SKIPPED_TYPES:
        return None
    return TimelineItem(event_id=event.seq, kind="other", at=at, name=kind)


def build_timeline(stored: list[StoredEvent]) -> tuple[TimelineItem, ...]:
    """Turn stored events into timeline items, oldest first."""
    buttons_shown: dict[str, str] = {}
    items = (_item(e, buttons_shown) for e in stored)
    return tuple(i for i in items if i is not None)


def _masked(item: TimelineItem) -> TimelineItem:
    entities = tuple(
        replace(e, value=(EMAIL_MASK if e.entity == "email" else ORDER_MASK)
                if e.entity in PERSONAL_ENTITIES else mask_value(e.value))
        for e in item.entities
    )
    return replace(
        item, text=mask_text(item.text), raw_text=mask_text(item.raw_text), entities=entities,
        value=mask_slot(item.name or "", item.value) if item.kind == "slot" else item.value,
        buttons=tuple(mask_text(b) or "" for b in item.buttons),
    )


def mask_transcript(transcript: Transcript) -> Transcript:
    """The transcript with emails and order numbers hidden (what agents see)."""
    return replace(transcript, items=tuple(_masked(i) for i in transcript.items))


def read_transcript(conn: Connection, *, sender_id: str, mask: bool = False) -> Transcript:
    """The whole conversation, oldest first; ``mask`` hides personal data."""
    transcript = Transcript(sender_id=sender_id,
                            items=build_timeline(events_after(conn, sender_id=sender_id, limit=MAX_EVENTS)))
    return mask_transcript(transcript) if mask else transcript


def find_visitor_message(conn: Connection, *, sender_id: str, event_id: int) -> TimelineItem | None:
    """The visitor message stored as event ``event_id`` of this conversation, unmasked."""
    for item in read_transcript(conn, sender_id=sender_id).items:
        if item.event_id == event_id and item.kind == "visitor":
            return item
    return None
