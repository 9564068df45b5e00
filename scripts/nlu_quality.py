"""Print NLU quality figures from `rasa test nlu` reports (run by scripts/quality.sh)."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _f1(report: Path) -> float | None:
    if not report.exists():
        return None
    data = json.loads(report.read_text())
    block = data.get("macro avg") or {}
    return block.get("f1-score")


# The statistical entity extractor config.yml uses (the first whose report exists).
STATISTICAL = ("StoredCRFEntityExtractor", "CRFEntityExtractor", "DIETClassifier")


def _statistical(folder: Path) -> Path | None:
    for name in STATISTICAL:
        if (folder / f"{name}_report.json").exists():
            return folder / f"{name}_report.json"
    return None


def _entities(folder: Path) -> float | None:
    # The statistical extractor learns every entity type; the regex extractor only
    # knows order numbers and emails, so its macro average is not comparable.
    report = _statistical(folder)
    return _f1(report) if report else None


# Entity types whose shape a regex knows; the form validation takes the first
# valid value of either extractor (actions/slots.py: checked).
REGEX_TYPES = ("order_number", "email")


def _label_f1(report: Path) -> dict[str, float]:
    """F1 per label of a report, without its average rows."""
    data = json.loads(report.read_text())
    return {k: v["f1-score"] for k, v in data.items()
            if isinstance(v, dict) and "f1-score" in v and k not in {"macro avg", "weighted avg", "micro avg"}}


def _entities_as_used(folder: Path) -> float | None:
    """Macro-F1 over entity types, each from the extractor the bot relies on for it."""
    learned, regex = _statistical(folder), folder / "RegexEntityExtractor_report.json"
    if learned is None or not regex.exists():
        return None
    by_learned, by_regex = _label_f1(learned), _label_f1(regex)
    scores = [by_regex[k] if k in REGEX_TYPES and k in by_regex else f1 for k, f1 in by_learned.items()]
    return sum(scores) / len(scores) if scores else None


def _worst_intents(report: Path, n: int = 5) -> list[tuple[str, float]]:
    return sorted(_label_f1(report).items(), key=lambda r: r[1])[:n]


def main(folders: list[str]) -> int:
    for name in folders:
        folder = Path(name)
        intent = _f1(folder / "intent_report.json")
        entity = _entities(folder)
        extractor = _statistical(folder)
        label = extractor.name.removesuffix("_report.json") if extractor else "entity"
        print(f"{folder.name}: intent macro-F1 {intent if intent is None else f'{intent:.3f}'},"
              f" {label} entity macro-F1 {entity if entity is None else f'{entity:.3f}'}")
        used = _entities_as_used(folder)
        if used is not None:
            print(f"  entity macro-F1 as the bot extracts them (order numbers and emails by regex) {used:.3f}")
        answers = _f1(folder / "response_selection_report.json")
        if answers is not None:
            print(f"  policy sub-question (ResponseSelector) macro-F1 {answers:.3f}")
        # Per-intent scores of a blind set would say where its messages are missed: only
        # the development set and cross-validation name their weakest intents.
        if (folder / "intent_report.json").exists() and not folder.name.startswith("blind"):
            worst = ", ".join(f"{k} {v:.2f}" for k, v in _worst_intents(folder / "intent_report.json"))
            print(f"  weakest intents: {worst}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
