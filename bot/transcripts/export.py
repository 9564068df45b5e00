"""Conversations as Rasa files: relabelled messages as NLU training data, a transcript as a test story."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.transcripts.annotation import Span, to_markup
from bot.transcripts.masking import stand_in_text
from bot.transcripts.transcript import Transcript

RASA_FORMAT = "3.1"
# Actions Rasa runs on its own; stories leave them out.
_IMPLICIT_ACTIONS = frozenset({"action_listen", "action_session_start", "action_unlikely_intent"})


@dataclass(frozen=True, slots=True)
class NluExample:
    """One training example: a message, its intent and its entity spans."""

    text: str
    intent: str
    entities: tuple[Span, ...] = ()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _yaml_scalar(value: object) -> str:
    # JSON is valid YAML flow syntax, and quotes whatever needs quoting.
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


def _keep(text: str, stand_ins: bool) -> str:
    return stand_in_text(text) if stand_ins else text


def nlu_yaml(examples: Iterable[NluExample], *, stand_ins: bool = False, generated_at: datetime | None = None) -> str:
    """Rasa 3 NLU training data, one block per intent; ``stand_ins`` replaces emails and order numbers."""
    by_intent: dict[str, list[str]] = {}
    for example in examples:
        line = _one_line(to_markup(example.text, example.entities, transform=lambda s: _keep(s, stand_ins)))
        if line and line not in by_intent.setdefault(example.intent, []):
            by_intent[example.intent].append(line)
    lines = [f'version: "{RASA_FORMAT}"',
             "# Visitor messages relabelled in the support console"
             + (f" (exported {generated_at:%Y-%m-%d %H:%M} UTC)" if generated_at else "") + ".",
             "# Review them, then add them to the matching file in data/nlu/ and retrain."]
    if stand_ins:
        lines.append("# Email addresses and order numbers were replaced by stand-ins.")
    if not by_intent:
        lines.append("nlu: []")
        return "\n".join(lines) + "\n"
    lines.append("nlu:")
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {example}" for example in by_intent[intent]]
    return "\n".join(lines) + "\n"


def story_yaml(
    transcript: Transcript, *, featurized_slots: Iterable[str], relabelled: Mapping[int, str] | None = None,
    stand_ins: bool = False, name: str | None = None,
) -> str:
    """The conversation as a Rasa test story (user messages with intents, actions, loops, featurized slots).

    ``relabelled`` maps event ids of relabelled messages to their corrected intent;
    they are noted in a comment, the story keeps what the bot predicted and did.
    """
    slots, relabelled = set(featurized_slots), relabelled or {}
    started = transcript.started_at
    when = f" of {started:%Y-%m-%d %H:%M} UTC" if started else ""
    title = name or f"conversation {transcript.sender_id[:12]}{when}"
    steps: list[str] = []
    for item in transcript.items:
        if item.kind == "visitor":
            text = _one_line(_keep(item.raw_text or "", stand_ins))
            if not text:
                continue
            if item.event_id in relabelled:
                steps.append(f"      # staff relabelled this message as {relabelled[item.event_id]}")
            steps += ["      - user: |", f"          {text}", f"        intent: {item.intent or 'nlu_fallback'}"]
        elif item.kind == "action" and item.name and item.name not in _IMPLICIT_ACTIONS:
            steps.append(f"      - action: {item.name}")
        elif item.kind == "loop":
            steps.append(f"      - active_loop: {item.name or 'null'}")
        elif item.kind == "slot" and item.name in slots:
            steps += ["      - slot_was_set:", f"          - {item.name}: {_yaml_scalar(item.value)}"]
    lines = [f'version: "{RASA_FORMAT}"', "stories:", f"  - story: {_yaml_scalar(title)}", "    steps:"]
    return "\n".join(lines + (steps or ["      []"])) + "\n"
