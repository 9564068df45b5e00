"""The language of a conversation's answers, and the words code puts into them.

The NLU tells the language of each message (rasa_addons/language.py) and keeps it in
the `language` slot; the responses' German variations are chosen on that slot, and the
actions pass it here for the words they fill in. English is the default and the
fallback for any phrase a language lacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel.dates import format_date

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
SUGGESTIONS = {"de": german.SUGGESTIONS}


@dataclass(frozen=True, slots=True)
class Grammar:
    """How a language orders and writes what code puts together."""

    attributes_first: bool  # "red Nike running shoes" vs "Running Shoes von Nike in Rot"
    lowercase_categories: bool  # the catalog's category names inside a sentence
    date_pattern: str  # Babel's (CLDR) pattern of a short date
    support_hours: Callable[[str], str]  # "Mon-Fri 09:00-18:00" as the language writes it


GRAMMAR = {
    "en": Grammar(attributes_first=True, lowercase_categories=True, date_pattern="EEE d MMM y",
                  support_hours=lambda spec: spec),
    "de": Grammar(attributes_first=False, lowercase_categories=False, date_pattern="EEE, d. MMM y",
                  support_hours=german.support_hours),
}


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


def suggestion_buttons(english: dict[str, tuple[str, str]], lang: str = DEFAULT) -> dict[str, tuple[str, str]]:
    """The "did you mean" buttons (intent -> title, payload) in ``lang``; English where it has none."""
    return {**english, **SUGGESTIONS.get(lang, {})}


def grammar(lang: str = DEFAULT) -> Grammar:
    return GRAMMAR.get(lang, GRAMMAR[DEFAULT])


def weekday_and_time(moment: datetime, zone: str, lang: str = DEFAULT) -> str:
    """When support next opens: "Monday 09:00 (Europe/Berlin time)", "am Montag ab 09:00 Uhr (...)"."""
    weekday = format_date(moment, "EEEE", locale=LOCALES.get(lang, LOCALES[DEFAULT]))
    return say("{weekday} {time} ({zone} time)", lang, weekday=weekday, time=f"{moment:%H:%M}", zone=zone)
