"""Return reasons: the fixed codes and a small keyword map from free text to a code."""

from __future__ import annotations

import re

from bot.models import ReturnReason

REASON_CODES = tuple(r.value for r in ReturnReason)

# Checked in this order: a damaged item that is also too small is "damaged".
# A fit complaint without a direction ("doesn't fit", "wrong size") is left as
# "other" rather than guessed, so sizing statistics stay honest. English and German.
_KEYWORDS: tuple[tuple[ReturnReason, tuple[str, ...]], ...] = (
    (ReturnReason.DAMAGED, (
        "broken", "broke", "damaged", "damage", "defective", "faulty", "fault", "doesn't work",
        "does not work", "not working", "stopped working", "won't turn on", "dead on arrival",
        "ripped", "torn", "tear", "hole", "holes", "cracked", "scratched", "stained", "dented",
        "kaputt", "defekt", "beschädigt", "beschaedigt", "funktioniert nicht", "geht nicht", "gerissen",
        "loch", "löcher", "kratzer", "zerkratzt", "fleck", "flecken",
    )),
    (ReturnReason.NOT_AS_DESCRIBED, (
        "wrong item", "wrong product", "wrong colour", "wrong color", "wrong model",
        "not as described", "not what i ordered", "not what i expected", "different from",
        "looks different", "not as pictured", "not like the picture", "fake", "sent the wrong",
        "falscher artikel", "falsche farbe", "falsches modell", "falsche ware", "falsch geliefert",
        "nicht wie beschrieben", "anders als beschrieben", "nicht wie abgebildet", "sieht anders aus", "fälschung",
    )),
    (ReturnReason.TOO_SMALL, (
        "too small", "too tight", "too short", "too narrow", "runs small", "run small",
        "smaller than", "size up", "bigger size", "larger size",
        "zu klein", "zu eng", "zu kurz", "fällt klein aus", "faellt klein aus", "nummer größer", "nummer groesser",
    )),
    (ReturnReason.TOO_LARGE, (
        "too big", "too large", "too long", "too loose", "too wide", "runs large", "runs big",
        "bigger than", "baggy", "size down", "smaller size",
        "zu groß", "zu gross", "zu weit", "zu lang", "fällt groß aus", "faellt gross aus", "nummer kleiner",
    )),
    (ReturnReason.CHANGED_MIND, (
        "changed my mind", "change of mind", "changed mind", "don't need", "do not need",
        "don't want", "do not want", "don't like", "do not like", "no longer", "not needed",
        "by mistake", "by accident", "ordered twice", "found it cheaper", "cheaper elsewhere",
        "anders überlegt", "anders ueberlegt", "gefällt mir nicht", "gefaellt mir nicht", "brauche ich nicht",
        "nicht mehr", "versehentlich", "aus versehen", "doppelt bestellt", "woanders günstiger",
    )),
)
_PATTERNS = tuple(
    (code, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b"))
    for code, words in _KEYWORDS
)


def _normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    # "doesnt", "dont", "wont" as typed in chats.
    text = re.sub(r"\b(does|do|won|is|did)nt\b", r"\1n't", text)
    return " ".join(text.split())


def parse_reason(text: str | None) -> ReturnReason:
    """The reason code ``text`` expresses; an exact code ("too_small") is taken as is."""
    if not text:
        return ReturnReason.OTHER
    cleaned = _normalise(text)
    if cleaned in REASON_CODES:
        return ReturnReason(cleaned)
    for code, pattern in _PATTERNS:
        if pattern.search(cleaned):
            return code
    return ReturnReason.OTHER
