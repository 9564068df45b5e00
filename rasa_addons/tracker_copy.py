"""A tracker's copy made from its state, not by replaying every event into a new tracker.

Why: before it runs an action, Rasa 3.6 copies the conversation's tracker
(`MessageProcessor._run_action`: a temporary tracker, so that a rejected action
leaves the real one untouched; forms do the same when they activate), and
`DialogueStateTracker.copy` is `travel_back_in_time(inf)`: a new tracker that
replays every event, one `update` after another. Two or three actions run per
message, so that replay was about 4% of the Rasa server's CPU under load
(py-spy, issue #16).

What: the copy takes the same event objects (the replay shares them too) and the
state the events left: each slot copied as `init_copy` does, the active loop
copied (Rasa changes it in place), and the other state attributes. It is the
tracker the replay would give, attribute for attribute, as long as the tracker's
state is what its events made it, which is how Rasa keeps trackers (every change
goes through an event's `apply_to`). Like the stock copy, it keeps neither the
sender source nor the model and assistant ids. A tracker of an unknown subclass,
one with attributes this module does not know, or one that keeps only its last
events (`max_event_history`, whose replay forgets the state of the events that
fell off; Rasa's server does not set it) is copied the stock way.
"""

from __future__ import annotations

import copy as _copy
import dataclasses

from rasa.shared.core.trackers import DialogueStateTracker

# The attributes of a 3.6 tracker; anything else (a subclass's, a newer Rasa's) means
# this module cannot know how to copy it.
_KNOWN = frozenset({
    "_max_event_history", "_paused", "active_loop", "assistant_id", "events", "followup_action",
    "is_rule_tracker", "latest_action", "latest_bot_utterance", "latest_message", "model_id",
    "sender_id", "sender_source", "slots",
})
# Attributes other add-ons keep on a tracker object (rasa_addons.past_states, the
# tracker store's count of stored events): caches of this very object, never copied.
_OWN_PREFIXES = ("_shop_", "_rasa_addons_")

_stock_copy = DialogueStateTracker.copy


def copy_tracker(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """Drop-in for ``DialogueStateTracker.copy``."""
    if (
        type(tracker) is not DialogueStateTracker
        or tracker._max_event_history is not None  # the replay of a capped history forgets what fell off
        or not _known_attributes(tracker)
    ):
        return _stock_copy(tracker)
    new = DialogueStateTracker.__new__(DialogueStateTracker)
    new._max_event_history = None
    new.events = new._create_events(list(tracker.events))
    new.sender_id = tracker.sender_id
    new.slots = {name: _copy.copy(slot) for name, slot in tracker.slots.items()}
    new.sender_source = None
    new.is_rule_tracker = tracker.is_rule_tracker
    new._paused = tracker._paused
    new.followup_action = tracker.followup_action
    new.latest_action = dict(tracker.latest_action) if tracker.latest_action is not None else None
    new.latest_message = tracker.latest_message
    new.latest_bot_utterance = tracker.latest_bot_utterance
    new.active_loop = dataclasses.replace(tracker.active_loop) if tracker.active_loop is not None else None
    new.model_id = None
    new.assistant_id = None
    return new


def _known_attributes(tracker: DialogueStateTracker) -> bool:
    return all(name in _KNOWN or name.startswith(_OWN_PREFIXES) for name in vars(tracker))


def install() -> None:
    """Make ``DialogueStateTracker.copy`` use ``copy_tracker`` (idempotent)."""
    if DialogueStateTracker.copy is not copy_tracker:
        DialogueStateTracker.copy = copy_tracker  # type: ignore[method-assign]
