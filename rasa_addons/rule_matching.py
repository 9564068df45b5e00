"""RulePolicy's search for matching rules, without re-reading every rule for every past state.

Why: to predict an action, Rasa 3.6's `RulePolicy._get_possible_keys` walks
back through *all* of the conversation's states and, for each, calls
`_is_rule_applicable` on every rule still in the running, which parses the
rule's key (cached) and reverses its states again. Once the walk is further
back than the longest remaining rule, every rule passes by definition, but
the walk goes on to the first state of the conversation. With about two
hundred rules and fifty states this was over 150,000 calls for 800
predictions, about 15% of the Rasa server's CPU (in-process profile, issue #16).

What: the same filter, with each rule's reversed states worked out once per
rule table, and the walk stopped when it is past the longest rule left in
the running (where the stock check returns True for every rule). Each step
applies the same test as `_is_rule_applicable`, through RulePolicy's own
`_does_rule_match_state`. `install()` replaces the method.
"""

from __future__ import annotations

from typing import Any, Dict, List, Set, Text, Tuple

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION

_TABLES = "_shop_rule_tables"
_ORIGINAL = "_shop_original_get_possible_keys"


def _reversed_rules(policy: RulePolicy, lookup: Dict[Text, Text]) -> Dict[Text, List[Any]]:
    """Each rule key of `lookup` with its states, latest first (computed once per table)."""
    tables: Dict[int, Tuple[Dict[Text, Text], Dict[Text, List[Any]]]] = policy.__dict__.setdefault(_TABLES, {})
    known = tables.get(id(lookup))
    if known is None or known[0] is not lookup or len(known[1]) != len(lookup):
        known = (lookup, {key: list(reversed(policy._rule_key_to_state(key))) for key in lookup})
        tables[id(lookup)] = known
    return known[1]


def get_possible_keys(self: RulePolicy, lookup: Dict[Text, Text], states: List[Any]) -> Set[Text]:
    """Drop-in for `RulePolicy._get_possible_keys` (same keys)."""
    rules = _reversed_rules(self, lookup)
    possible = set(lookup.keys())
    longest = max((len(rules[key]) for key in possible), default=0)
    for turn, state in enumerate(reversed(states)):
        if turn >= longest:
            break  # every rule left is shorter than the walk: the stock check passes them all
        current_previous_action = state.get(PREVIOUS_ACTION)
        kept = set()
        for key in possible:
            rule_states = rules[key]
            if turn >= len(rule_states):
                kept.add(key)
                continue
            rule_state = rule_states[turn]
            rule_previous_action = rule_state.get(PREVIOUS_ACTION)
            if not rule_previous_action and not current_previous_action:
                kept.add(key)
            elif not rule_previous_action or not current_previous_action:
                continue
            elif self._does_rule_match_state(rule_state, state):
                kept.add(key)
        possible = kept
        longest = max((len(rules[key]) for key in possible), default=0)
    return possible


def install() -> None:
    """Make RulePolicy find matching rules this way (idempotent)."""
    if hasattr(RulePolicy, _ORIGINAL):
        return
    setattr(RulePolicy, _ORIGINAL, RulePolicy._get_possible_keys)
    RulePolicy._get_possible_keys = get_possible_keys  # type: ignore[method-assign]
