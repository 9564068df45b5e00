"""The action server's Prometheus metrics: what is counted (served by actions/metrics_plugin.py).

Fallbacks and handoffs are counted here, not in the gateway: the gateway gets Rasa's replies
as plain messages (Rasa's collecting channel drops the name of the response), while the
action server sees each action's name and the responses it uttered. Rasa's own core
fallback (``action_default_fallback``, below ``core_fallback_threshold``) runs inside Rasa
and never reaches this process, so it is not counted here.
"""

from __future__ import annotations

import json
from typing import Any

from prometheus_client import Counter, Histogram

FALLBACK_ACTIONS = frozenset({"action_fallback_suggest", "action_default_fallback"})
HANDOFF_ACTIONS = frozenset({"action_handoff"})
_WATCHED = FALLBACK_ACTIONS | HANDOFF_ACTIONS
# An action name Rasa sent that the server does not know, or none at all.
UNKNOWN = "unknown"
# The action server's answers (rasa_sdk/endpoint.py) by status.
OUTCOMES = {200: "ok", 400: "rejected", 404: "not_found", 449: "missing_domain"}

ACTION_RUNS = Counter(
    "shop_action_runs_total",
    "Custom action calls, by action and outcome (ok, rejected: a form's validation refused, "
    "not_found, missing_domain, error: the action raised).",
    ["action", "outcome"],
)
ACTION_SECONDS = Histogram(
    "shop_action_seconds", "Time to run a custom action, by action.",
    ["action"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DB_ERRORS = Counter(
    "shop_action_db_errors_total",
    "Units of work that failed on the shop DB (the visitor was told the lookup is unavailable).",
)
FALLBACKS = Counter(
    "shop_action_fallbacks_total",
    "Messages the bot did not understand, by the response given (utter_did_you_mean: suggestions, "
    "utter_fallback_offer_human: the second miss in a row, utter_default).",
    ["response"],
)
HANDOFFS = Counter(
    "shop_action_handoffs_total",
    "Requests to hand the chat to a person, by the response given (utter_handoff_queued, "
    "utter_handoff_offline: handed over; utter_handoff_limit, utter_handoff_unavailable: not).",
    ["response"],
)

DB_ERRORS.inc(0)


def _responses(body: bytes) -> list[str]:
    """Names of the responses an action's answer carries."""
    try:
        answer = json.loads(body)
    except ValueError:
        return []
    messages = answer.get("responses") if isinstance(answer, dict) else None
    return [m["response"] for m in messages or [] if isinstance(m, dict) and isinstance(m.get("response"), str)]


def record_run(*, action: str | None, status: int, seconds: float, body: bytes) -> None:
    """Count one call of the webhook: ``action`` as Rasa named it, the answer's ``status`` and ``body``."""
    name = action if isinstance(action, str) and action and status != 404 else UNKNOWN
    ACTION_RUNS.labels(name, OUTCOMES.get(status, "error")).inc()
    ACTION_SECONDS.labels(name).observe(seconds)
    if status != 200 or name not in _WATCHED:
        return
    counter = FALLBACKS if name in FALLBACK_ACTIONS else HANDOFFS
    uttered = _responses(body)
    counter.labels(uttered[0] if uttered else "none").inc()  # one per run: each utters one response


def action_of(call: Any) -> str | None:
    """The action a webhook call asks for (``next_action``)."""
    return call.get("next_action") if isinstance(call, dict) else None


def count_db_error() -> None:
    """A unit of work failed on the shop DB."""
    DB_ERRORS.inc()
