"""The language of a conversation's answers, and the words code puts into them.

The NLU tells the language of each message (rasa_addons/language.py) and keeps it in
the `language` slot; the responses' German variations are chosen on that slot, and the
actions pass it here for the words they fill in. English is the default and the
fallback for any phrase a language lacks.
"""

from __future__ import annotations

from typing import Any

from bot import german

SUPPORTED = ("en", "de")
DEFAULT = "en"
LOCALES = {"en": "en_US", "de": "de_DE"}
WORDS: dict[str, dict[str, dict[str, str]]] = {
    "de": {
        "phrases": german.PHRASES, "colors": german.COLORS, "statuses": german.ORDER_STATUSES,
        "relaxed": german.RELAXED, "return_reasons": german.RETURN_REASONS,
    },
}
REASON_BUTTONS = {"de": german.REASON_BUTTONS}


def language_of(value: Any) -> str:
    """The supported language ``value`` names (a slot value, a header), else English."""
    if isinstance(value, str) and value.strip().lower()[:2] in SUPPORTED:
        return value.strip().lower()[:2]
    return DEFAULT


def _table(lang: str, kind: str) -> dict[str, str]:
    return WORDS.get(lang, {}).get(kind, {})


def say(phrase: str, lang: str = DEFAULT, **values: Any) -> str:
    """``phrase`` (its English text is the key) in ``lang``, with ``values`` filled in."""
    return _table(lang, "phrases").get(phrase, phrase).format(**values)


def color_name(color: str, lang: str = DEFAULT) -> str:
    """A catalog colour ("red") as ``lang`` writes it ("Rot")."""
    return _table(lang, "colors").get(color, color)


def status_name(status: str, lang: str = DEFAULT) -> str:
    """An order status ("shipped") in ``lang``."""
    return _table(lang, "statuses").get(status, status)


def filter_name(kind: str, english: str, lang: str = DEFAULT) -> str:
    """A search filter's name ("sizes" -> "size") in ``lang``."""
    return _table(lang, "relaxed").get(kind, english)


def reason_name(code: str, english: str, lang: str = DEFAULT) -> str:
    """A return reason ("too_small" -> "too small") in ``lang``."""
    return _table(lang, "return_reasons").get(code, english)


def reason_buttons(english: tuple[str, ...], lang: str = DEFAULT) -> tuple[str, ...]:
    """The return-reason buttons in ``lang``."""
    return REASON_BUTTONS.get(lang, english)
