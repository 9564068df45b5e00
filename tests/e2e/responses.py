"""Which response of domain.yml (or the policy answers) a reply is, in which language."""

from __future__ import annotations

import re

import yaml

from tests.e2e.stack import ROOT


def _responses() -> dict[str, list[dict]]:
    responses = dict(yaml.safe_load((ROOT / "domain.yml").read_text())["responses"])
    responses.update(yaml.safe_load((ROOT / "data/knowledge/shop_policies.yml").read_text())["responses"])
    return responses


RESPONSES = _responses()


def _is_german(variant: dict) -> bool:
    return any(c.get("name") == "language" and c.get("value") == "de" for c in variant.get("condition") or [])


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{[a-z_]+\}", template)
    return re.compile("(?s)" + "(.+?)".join(re.escape(p) for p in parts) + "$")


def said(name_prefix: str, text: str, lang: str) -> list[str]:
    """The responses starting with ``name_prefix`` whose ``lang`` variation ``text`` is."""
    hits = []
    for name, variants in RESPONSES.items():
        if not name.startswith(name_prefix):
            continue
        for variant in variants:
            if _is_german(variant) == (lang == "de") and _pattern(variant["text"]).match(text.strip()):
                hits.append(name)
    return hits
