"""The responses an experiment can vary: their texts and placeholders in domain.yml, per language."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.assistant_domain import DOMAIN_FILE

LANGUAGES = ("en", "de")
# Responses the actions utter through actions/experiments.py, so a running experiment
# can change their text. Responses a rule utters directly never reach our code.
EXPERIMENTABLE = (
    # action_greet utters it; a segment's wording reaches a customer who greets after verifying an order.
    "utter_greet",
    "utter_order_late",
    "utter_recommend_best_sellers",
    "utter_recommend_top_rated",
    "utter_recommend_personal",
    "utter_recommend_personal_unverified",
    "utter_recommend_similar",
    "utter_recommend_also_bought",
    "utter_did_you_mean",
    "utter_default",
    "utter_fallback_offer_human",
)
# Without these the variant would not say what the visitor asked for.
REQUIRED_PLACEHOLDERS = frozenset({"lines"})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def placeholders(text: str) -> frozenset[str]:
    """The ``{name}`` placeholders in ``text``."""
    return frozenset(_PLACEHOLDER.findall(text))


def fill(text: str, variables: dict[str, Any]) -> str:
    """``text`` with its placeholders replaced by ``variables`` (unknown ones left as written)."""
    return _PLACEHOLDER.sub(lambda m: str(variables[m.group(1)]) if m.group(1) in variables else m.group(0), text)


def _language_of(variation: dict[str, Any]) -> str:
    for condition in variation.get("condition") or []:
        if condition.get("type") == "slot" and condition.get("name") == "language":
            return str(condition.get("value"))
    return "en"


@lru_cache
def domain_texts(domain_file: Path = DOMAIN_FILE) -> dict[str, dict[str, str]]:
    """``{response: {language: text}}`` of every response in domain.yml (read once)."""
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {}
    texts: dict[str, dict[str, str]] = {}
    for name, variations in (domain.get("responses") or {}).items():
        for variation in variations or []:
            if isinstance(variation, dict) and "text" in variation:
                texts.setdefault(name, {}).setdefault(_language_of(variation), str(variation["text"]))
    return texts


def experimentable_responses() -> list[str]:
    """The responses staff may choose, those of EXPERIMENTABLE that domain.yml has."""
    texts = domain_texts()
    return [name for name in EXPERIMENTABLE if name in texts]
