"""Deep copies made only for debug log lines, skipped when debug logging is off.

Why: Rasa 3.6 passes deep copies to its debug log calls
(``structlogger.debug("...", rasa_events=copy.deepcopy(events))``): the message
processor for every action's events and every parse, the memoization and rule
policies for every prediction's states, forms for every validation. Python
evaluates the arguments before the logger sees that debug is off, so the copies
were made on every message and thrown away: about 4% of the Rasa server's CPU
under load (py-spy, issue #16). The domain's ``is_empty`` check on every parse
built an empty domain to compare with, about 1% more.

What: in those four modules, and only there, the name ``copy`` is replaced by
a stand-in whose ``deepcopy`` makes the real copy when debug logging is on
(``rasa run --debug``, ``LOG_LEVEL=DEBUG``) and otherwise hands back its
argument, which the logger then drops unread. In those modules ``copy`` is used
for nothing else (checked by tests/rasa_addons/test_debug_copies.py, which
reads their source). ``Domain.is_empty`` is answered once per domain object:
a loaded domain does not change.
"""

from __future__ import annotations

import copy as _copy
import importlib
import logging
from typing import Any

from rasa.shared.core.domain import Domain

# Modules whose only use of `copy` is `copy.deepcopy(...)` as a debug log argument.
MODULES = (
    "rasa.core.processor",
    "rasa.core.policies.memoization",
    "rasa.core.policies.rule_policy",
    "rasa.core.actions.forms",
)
_IS_EMPTY = "_shop_is_empty"
_stock_is_empty = Domain.is_empty


def _debug_logging() -> bool:
    return logging.getLogger().isEnabledFor(logging.DEBUG) or logging.getLogger("rasa").isEnabledFor(logging.DEBUG)


class _CopyForDebugLog:
    """Stands in for the `copy` module where it only copies what a debug line logs."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return _copy.deepcopy(value, memo) if _debug_logging() else value


def is_empty(self: Domain) -> bool:
    """Drop-in for ``Domain.is_empty``, worked out once per domain."""
    answer = self.__dict__.get(_IS_EMPTY)
    if answer is None:
        answer = self.__dict__[_IS_EMPTY] = _stock_is_empty(self)
    return answer


def install() -> None:
    """Swap `copy` in ``MODULES`` and ``Domain.is_empty`` (idempotent)."""
    for name in MODULES:
        module = importlib.import_module(name)
        if module.copy is _copy:
            module.copy = _CopyForDebugLog  # type: ignore[attr-defined]
    if Domain.is_empty is not is_empty:
        Domain.is_empty = is_empty  # type: ignore[method-assign]
