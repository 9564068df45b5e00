"""`json.dumps` for the Rasa server's hot paths, through ujson (C), with the same JSON value.

Why: under load about a tenth of the Rasa server's CPU went to `json.dumps`
(py-spy, issue #16): the tracker sent with every call to the action server
(twice a turn inside a form, with `validate_<form>`), the events written to
the tracker store and the event broker. ujson, which Rasa itself depends on,
encodes the same values about three times faster.

The text is compact (no spaces after separators) and otherwise means the same
JSON value: floats round-trip exactly, non-ASCII is escaped as `json.dumps`
does, "/" is not escaped. Whatever ujson refuses or would write differently
(a non-finite float, an integer over 64 bits, a key that is not a string, an
object it cannot encode) goes to `json.dumps` with the same arguments, so
results and errors stay the standard library's.
"""

from __future__ import annotations

import json
from typing import Any, Text

import ujson


def dumps(value: Any, *, allow_nan: bool = True) -> Text:
    """`json.dumps(value, allow_nan=allow_nan)`, as a compact text of the same value."""
    try:
        return ujson.dumps(value, ensure_ascii=True, escape_forward_slashes=False, reject_bytes=True,
                           allow_nan=allow_nan, default=_refuse)
    except (OverflowError, TypeError, ValueError, _Refused):
        return json.dumps(value, allow_nan=allow_nan)


class _Refused(Exception):
    """An object ujson would have encoded by its own rules (`__json__`, `toDict`) or not at all."""


def _refuse(_value: Any) -> Any:
    raise _Refused
