"""Add-ons loaded by the Rasa server (Python 3.10, .venv-rasa) by dotted path.

- `rasa_addons.tracker_store.WindowedSQLTrackerStore`: Rasa's SQL tracker
  store, but the policies get a tracker of the recent turns only, so a turn
  costs the same at message 200 as at message 10. See its docstring.
- `rasa_addons.channels.GatewayInput`: the REST channel the gateway talks to.
- `rasa_addons.action_validation`: action server responses are checked with a
  validator compiled once (stock Rasa rebuilds it and re-checks the schema on
  every action call). Installed here, on import of the package, because Rasa
  has no hook for it and imports this package for the tracker store and the
  channel before it handles a message.
- `rasa_addons.event_types`: event classes found by type name through a
  dictionary (stock Rasa walks every Event subclass for each stored event it
  loads: 2.0 ms instead of 0.2 ms to rebuild a tracker of 60 events). Installed
  on import, like the validator.
- `rasa_addons.action_client`: requests to the action server reuse their
  connections, and the domain sent with every action call is encoded to JSON
  once per loaded model. Installed on import, like the validator.
- `rasa_addons.graph_runner`: the message processor runs the NLU and policy
  graphs node after node in a precomputed order instead of through dask's
  scheduler (same nodes, results and errors). Installed on import.
- `rasa_addons.past_states`: a tracker's dialogue states are worked out once
  per point of the conversation, not again by every policy. Installed on import.
- `rasa_addons.rule_matching`: RulePolicy finds the rules that match without
  re-reading every rule for every past state. Installed on import.
- `rasa_addons.tracker_copy`: the tracker copied before each action is made
  from its state, not by replaying all its events into a new one. Installed on
  import.
- `rasa_addons.debug_copies`: the deep copies Rasa makes only to log them at
  debug level are skipped when debug logging is off. Installed on import.
- `rasa_addons.heap`: once a model is loaded, the objects alive are frozen out
  of Python's garbage collection passes, which stopped the server for up to
  400 ms each. Installed on import.
- `rasa_addons.admission`: at most a few messages are handled at once, let in
  first come, first served, so that a turn with several action calls does not
  wait behind every other message at each of them. Installed on import.

- `rasa_addons.serve`: `python -m rasa_addons.serve run ...` is `rasa run`
  without TensorFlow when no component of the model needs it (about 480 MB
  less memory); decided here, on import, before Rasa is imported.

Rasa puts the working directory on `sys.path` (`rasa/__main__.py`), so running
`rasa run` / `rasa train` from the project root is enough to import this
package; the scripts also set PYTHONPATH to the project root.
"""

# First, before anything imports Rasa (and with it TensorFlow): `python -m
# rasa_addons.serve run ...` leaves TensorFlow out when the model allows it.
from rasa_addons import serve as _serve

_serve.prepare()

try:  # pragma: no cover - the gateway's environment (.venv) has no Rasa
    from rasa_addons import admission as _admission
    from rasa_addons import heap as _heap
    from rasa_addons import action_client as _action_client
    from rasa_addons import action_validation as _action_validation
    from rasa_addons import event_types as _event_types
    from rasa_addons import graph_runner as _graph_runner
    from rasa_addons import past_states as _past_states
    from rasa_addons import rule_matching as _rule_matching
    from rasa_addons import tracker_copy as _tracker_copy
    from rasa_addons import debug_copies as _debug_copies
except ImportError:
    _admission = _heap = _action_client = _action_validation = _event_types = None
    _graph_runner = _past_states = _rule_matching = _tracker_copy = _debug_copies = None
_ADDONS = (_admission, _heap, _action_client, _action_validation, _event_types, _graph_runner, _past_states,
           _rule_matching, _tracker_copy, _debug_copies)
if None not in _ADDONS:
    _action_client.install()
    _action_validation.install()
    _event_types.install()
    _graph_runner.install()
    _past_states.install()
    _rule_matching.install()
    _tracker_copy.install()
    _debug_copies.install()
    _admission.install()
    _heap.install()
