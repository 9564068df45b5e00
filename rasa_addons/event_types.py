"""Look up Rasa event classes by their type name through a dictionary, not a class walk.

Why: rebuilding a tracker from stored events (``DialogueStateTracker.from_dict``
-> ``Event.from_parameters``) asks ``Event.resolve_by_type`` for each event's
class, and the stock method walks every subclass of ``Event`` recursively,
checking ``inspect.isabstract`` on each, for every single event. The Rasa
server rebuilds a tracker of some 50 events on every message (issue #16).

What: the same answer, remembered per type name once found. A name not yet
found (an unknown name, or a class imported after the first lookup) goes
through the stock walk, so its result and its errors are the stock ones.
``install()`` replaces the static method; ``rasa_addons/__init__.py`` calls it.
"""

from __future__ import annotations

from typing import Dict, Optional, Text, Type

from rasa.shared.core.events import Event

_stock_resolve = Event.resolve_by_type
_found: Dict[Text, Type[Event]] = {}


def resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    """Drop-in for ``Event.resolve_by_type``."""
    cls = _found.get(type_name)
    if cls is not None:
        return cls
    try:
        cls = _stock_resolve(type_name)
    except ValueError:  # unknown: the stock default or error below
        cls = None
    if cls is not None:
        _found[type_name] = cls
        return cls
    return _stock_resolve(type_name, default)  # the stock None ("topic") / default / ValueError


def install() -> None:
    """Make ``Event.resolve_by_type`` use the lookup above (idempotent)."""
    if Event.resolve_by_type is not resolve_by_type:
        Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]
