"""The gateway's input channel: Rasa's REST channel that keeps the message metadata.

Why: the stock REST channel drops the request's ``metadata``, so a message's
``client_id`` (which makes a retried send idempotent) and the text a visitor
saw on a button they clicked (``display``) would be lost from the transcript.
It also keeps the ``source`` the gateway stamps on every message (a keyed digest
of the visitor's network, see bot/sources.py), which the actions' verification
throttles and the handoff queue count by. Visitors cannot set it: the gateway
builds the metadata, and Rasa listens on loopback only.
Listens on ``/webhooks/gateway/webhook``; the stock REST channel stays enabled.

Two questions in one message: when the intent classifier found a second
request in a message (``rasa_addons.requests``), the channel hands it to Rasa
as the conversation's next message right after the first, in the same
request, so the reply holds both answers. That message carries
``split_from`` (the first one's id) and the first one's ``source``; the chat
history shows the visitor's message once.

``request_id`` is the gateway's id for the HTTP request that brought the message
(api/access_log.py); the action server puts it on its log lines
(actions/request_ids.py). A second request inherits it.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request

from rasa_addons.requests import take_second

# Only these keys are kept: the gateway sets them, nothing else should.
ALLOWED_KEYS = ("client_id", "display", "source", "language", "request_id")
# What a second request inherits from the message it was split from.
INHERITED_KEYS = ("source", "language", "request_id")
SPLIT_FROM = "split_from"


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

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def handle(message: UserMessage) -> None:
            await on_new_message(message)
            second = take_second(message.message_id)
            if second:
                metadata = {k: v for k, v in (message.metadata or {}).items() if k in INHERITED_KEYS}
                follow = UserMessage(second, message.output_channel, message.sender_id,
                                     input_channel=message.input_channel,
                                     metadata={**metadata, SPLIT_FROM: message.message_id})
                await on_new_message(follow)
                take_second(follow.message_id)  # one split per message the visitor sent, never a chain

        return super().blueprint(handle)
