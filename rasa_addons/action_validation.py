"""Validate action server responses with a validator compiled once, not per call.

Why: Rasa 3.6 checks every action server response with
``jsonschema.validate(result, RemoteAction.action_response_format_spec())``
(``RemoteAction._validate_action_result``). That call first validates the
schema itself against its meta-schema (``check_schema``) and builds a new
validator, on every action call. The events schema is large (a ``oneOf`` over
every event type), so on a profile of the Rasa server under load this was
about a third of its CPU (py-spy, issue #16), more than the NLU parse.

What: the same check with a ``Draft*Validator`` built once for the (constant)
schema, whose meta-schema check is done once at start-up. A response that the
stock code refuses is refused here with the same ``ValidationError``, message
included; a valid one passes.

Valid responses take a shorter road first: each event in the schema is one
branch of a ``oneOf`` keyed by a distinct ``event`` constant, so an event is
valid exactly when it passes the common part and the one branch its
``event`` names; checking that branch alone spares trying the other 22 for
every event. Anything the short road does not accept goes the full way, so
errors (and anything it would wrongly doubt) are decided by the full schema. ``install()`` replaces the method on
``RemoteAction``; ``rasa_addons/__init__.py`` calls it, so every Rasa process
that loads our add-ons (tracker store, gateway channel) validates this way.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, Text

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_MARK = "_shop_cached_validator"


@functools.lru_cache(maxsize=1)
def response_validator() -> Any:
    """The validator of action server responses, with its schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@functools.lru_cache(maxsize=1)
def _short_road() -> Any:
    """(response without event items, common part of an event, {event name: its branch})."""
    schema = RemoteAction.action_response_format_spec()
    items = schema["properties"]["events"]["items"]
    branches = {branch["properties"]["event"]["const"]: branch for branch in items["oneOf"]}
    cls = validator_for(schema)
    outer = {**schema, "properties": {**schema["properties"], "events": {"type": "array"}}}
    common = {key: value for key, value in items.items() if key != "oneOf"}
    return cls(outer), cls(common), {name: cls(branch) for name, branch in branches.items()}


def _surely_valid(result: Any) -> bool:
    """True only if `result` is valid (False means: ask the full schema)."""
    outer, common, branches = _short_road()
    if not outer.is_valid(result):
        return False
    for event in result.get("events") or ():
        branch = branches.get(event.get("event")) if isinstance(event, dict) else None
        if branch is None or not common.is_valid(event) or not branch.is_valid(event):
            return False
    return True


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Drop-in for ``RemoteAction._validate_action_result`` (same errors, same message)."""
    if _surely_valid(result):
        return True
    # jsonschema.validate raises best_match(...) of the errors too.
    error = best_match(response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Make every RemoteAction validate with the cached validator (idempotent)."""
    if getattr(RemoteAction, _MARK, False):
        return
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    setattr(RemoteAction, _MARK, True)


__all__ = ["ValidationError", "install", "response_validator", "validate_action_result"]
