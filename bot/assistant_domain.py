"""What the assistant's domain.yml (and knowledge file) declares: intents, entities, slots; read once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
KNOWLEDGE_DIR = PROJECT_ROOT / "data" / "knowledge"
# Predicted by the FallbackClassifier, never trained on.
FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True, slots=True)
class AssistantDomain:
    intents: tuple[str, ...]  # as in domain.yml, nlu_fallback included
    entities: tuple[str, ...]
    # Retrieval intents and their sub-intents, e.g. {"shipping_info": ("shipping_info/cost", ...)}.
    retrieval_intents: dict[str, tuple[str, ...]]
    # Slots that influence the dialogue (requested_slot always does): stories list them.
    featurized_slots: frozenset[str]

    @property
    def trainable_intents(self) -> tuple[str, ...]:
        """Intents a message can be labelled with in NLU training data (sub-intents for retrieval intents)."""
        labels: list[str] = []
        for intent in self.intents:
            if intent == FALLBACK_INTENT:
                continue
            labels.extend(self.retrieval_intents.get(intent) or (intent,))
        return tuple(labels)


def _names(items: object) -> tuple[str, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(str(next(iter(i))) if isinstance(i, dict) else str(i) for i in items)


def _retrieval_keys(directory: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(directory.glob("*.yml")) if directory.is_dir() else []:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in (content.get("responses") or {}):
            if key.startswith("utter_") and "/" in key:
                full = key.removeprefix("utter_")
                found.setdefault(full.split("/", 1)[0], []).append(full)
    return found


def read_domain(domain_file: Path = DOMAIN_FILE, knowledge_dir: Path = KNOWLEDGE_DIR) -> AssistantDomain:
    """Parse the domain file and the retrieval responses of the knowledge files."""
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {}
    intents = _names(domain.get("intents"))
    slots = domain.get("slots") or {}
    featurized = {"requested_slot"} | {
        name for name, spec in slots.items()
        if isinstance(spec, dict) and spec.get("type") != "any" and spec.get("influence_conversation", True)
    }
    retrieval = {k: tuple(v) for k, v in _retrieval_keys(knowledge_dir).items() if k in intents}
    return AssistantDomain(intents=intents, entities=_names(domain.get("entities")),
                           retrieval_intents=retrieval, featurized_slots=frozenset(featurized))


@lru_cache
def assistant_domain() -> AssistantDomain:
    """The project's domain, read on first use and kept for the life of the process."""
    return read_domain()
