"""A tracker's past dialogue states, extended as events arrive instead of rebuilt on every call.

Why: before each action Rasa asks every policy what to do next, and each
policy rebuilds the dialogue states from all of the tracker's events
(`DialogueStateTracker.past_states` -> `Domain.states_for_tracker_history`,
which replays every event into a fresh copy of the tracker): RulePolicy
twice (by text and by intent), MemoizationPolicy once more, two or three
times per message. That replay was the largest single cost left in the Rasa
server (about a third of its CPU in an in-process profile, issue #16).

What: `install()` wraps `past_states`. For each set of arguments it keeps,
on the tracker object, the replayed tracker and the states computed so
far. A later call on the same tracker replays only the events added since
and computes the same states Rasa would, by the same loop as
`states_for_tracker_history` (one state per action, and the state of the
tracker as it is now). It falls back to Rasa's own computation, and starts
over, whenever the events could change what came before them in Rasa's
`applied_events`: a restart, a session start, a rewind or undo, a loop
activation, or an action of an active loop; and whenever the events it
knew are no longer the tracker's first events. The policies change the
states they get (RulePolicy drops the intent or the text of the last user
turn), so every call gets its own copy of the states' dictionaries.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

_REPLAYS = "_shop_state_replays"
_ORIGINAL = "_shop_original_past_states"
# Events after which Rasa's `applied_events` may drop or reorder earlier events.
_RESHAPING = (Restarted, SessionStarted, ActionReverted, UserUtteranceReverted, ActiveLoop)


def _copy(states: List[Dict[Text, Dict[Text, Any]]]) -> List[Dict[Text, Dict[Text, Any]]]:
    return [{key: dict(sub) for key, sub in state.items()} for state in states]


class _Replay:
    """The states of a tracker's first `seen` events, and the loop's variables after them."""

    def __init__(self, tracker: DialogueStateTracker, domain: Any, options: Tuple[bool, bool, Any]) -> None:
        self.domain = domain
        self.omit_unset_slots, self.ignore_rule_only_turns, self.rule_only_data = options
        self.replayed = tracker.init_copy()
        self.states: List[Dict[Text, Any]] = []
        self.last_ml_action: Any = None
        self.turn_was_hidden = False
        self.seen = 0
        self.last_event: Any = None
        self.loop_names = set()

    def can_extend(self, events: Any) -> bool:
        """True if `events` start with the events seen and the new ones only append."""
        if len(events) < self.seen or (self.seen and events[self.seen - 1] is not self.last_event):
            return False
        for index in range(self.seen, len(events)):
            event = events[index]
            if isinstance(event, _RESHAPING) or (
                isinstance(event, ActionExecuted) and event.action_name in self.loop_names
            ):
                return False
        return True

    def apply(self, events: Any) -> None:
        """Replay `events` (events Rasa applies, in order), keeping one state per action."""
        for event in events:
            if isinstance(event, ActionExecuted):
                self._state_before_action(event.hide_rule_turn, commit=True)
            self.replayed.update(event)

    def extend(self, events: Any) -> None:
        """Replay the tracker's events after the ones seen (only what `can_extend` accepted)."""
        self.apply(events[index] for index in range(self.seen, len(events)))
        self.seen, self.last_event = len(events), events[-1]  # no new ActiveLoop: same loop names

    def mark_seen(self, events: Any) -> None:
        """Remember `events` as replayed (after `apply` of what Rasa applies of them)."""
        self.seen = len(events)
        self.last_event = events[-1] if len(events) else None
        self.loop_names = {e.name for e in events if isinstance(e, ActiveLoop) and e.name}

    def _state_before_action(self, hide_rule_turn: bool, commit: bool) -> Optional[Dict[Text, Any]]:
        """One step of `Domain.states_for_tracker_history` on the replayed tracker."""
        domain, tracker = self.domain, self.replayed
        last_ml_action, turn_was_hidden = self.last_ml_action, self.turn_was_hidden
        if self.ignore_rule_only_turns:
            if not turn_was_hidden:
                last_ml_action = domain._get_prev_action_sub_state(tracker)
            if not tracker.followup_action and not tracker.latest_action_name == tracker.active_loop_name:
                turn_was_hidden = hide_rule_turn
        if commit:
            self.last_ml_action, self.turn_was_hidden = last_ml_action, turn_was_hidden
        if self.ignore_rule_only_turns and turn_was_hidden:
            return None
        state = domain.get_active_state(tracker, omit_unset_slots=self.omit_unset_slots)
        if self.ignore_rule_only_turns:
            domain._remove_rule_only_features(state, self.rule_only_data)
            if self.states:
                domain._substitute_rule_only_user_input(state, self.states[-1])
            if last_ml_action:
                state[PREVIOUS_ACTION] = last_ml_action
        state = domain._clean_state(state)
        if commit:
            self.states.append(state)
        return state

    def current_states(self) -> List[Dict[Text, Any]]:
        """The states so far plus the state of the tracker as it is now (a copy)."""
        states = _copy(self.states)
        final = self._state_before_action(False, commit=False)
        if final is not None:
            states.append(final)
        return states


def past_states(
    self: DialogueStateTracker,
    domain: Any,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[Dict[Text, Any]] = None,
) -> List[Any]:
    """Drop-in for `DialogueStateTracker.past_states`: the same states, replaying only new events."""
    key = (id(domain), omit_unset_slots, ignore_rule_only_turns,
           json.dumps(rule_only_data, sort_keys=True, default=str))
    replays: Dict[Any, _Replay] = self.__dict__.setdefault(_REPLAYS, {})
    replay = replays.get(key)
    events = self.events
    if replay is None or not replay.can_extend(events):
        # start over from the events Rasa applies (what is left after restarts, rewinds, loops)
        replay = _Replay(self, domain, (omit_unset_slots, ignore_rule_only_turns, rule_only_data))
        replay.apply(self.applied_events())
        replay.mark_seen(events)
        replays[key] = replay
    elif replay.seen < len(events):
        replay.extend(events)
    return replay.current_states()


def install() -> None:
    """Make `DialogueStateTracker.past_states` incremental (idempotent)."""
    if hasattr(DialogueStateTracker, _ORIGINAL):
        return
    setattr(DialogueStateTracker, _ORIGINAL, DialogueStateTracker.past_states)
    DialogueStateTracker.past_states = past_states  # type: ignore[method-assign]
