"""The gateway's input channel: Rasa's REST channel that keeps the message metadata.

Why: the stock REST channel drops the request's ``metadata``, so a message's
``client_id`` (which makes a retried send idempotent) and the text a visitor
saw on a button they clicked (``display``) would be lost from the transcript.
It also keeps the ``source`` the gateway stamps on every message (a keyed digest
of the visitor's network, see bot/sources.py), which the actions' verification
throttles and the handoff queue count by. Visitors cannot set it: the gateway
builds the metadata, and Rasa listens on loopback only.
Listens on ``/webhooks/gateway/webhook``; the stock REST channel stays enabled.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.request import Request

# Only these keys are kept: the gateway sets them, nothing else should.
ALLOWED_KEYS = ("client_id", "display", "source")


class GatewayInput(RestInput):
    """REST channel whose messages carry the gateway's metadata into the tracker."""

    @classmethod
    def name(cls) -> Text:
        return "gateway"

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        body = request.json if isinstance(request.json, dict) else {}
        raw = body.get("metadata")
        if not isinstance(raw, dict):
            return None
        kept = {k: str(raw[k])[:1000] for k in ALLOWED_KEYS if raw.get(k) is not None}
        return kept or None
