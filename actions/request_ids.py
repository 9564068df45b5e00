"""The gateway's request id on the action server's log lines, and the server's log format.

Through rasa_sdk's plugin hook, as actions/metrics_plugin.py (which says when it runs: in
the main process and again in each Sanic worker, where nothing else sets up logging):
- logging is configured as ``SHOP_LOG_FORMAT`` says (bot/logging_setup.py);
- a request middleware binds the request id that the gateway put in the message metadata
  (``tracker.latest_message["metadata"]["request_id"]``, kept by rasa_addons/channels.py) and
  the response middleware restores the previous binding. Sanic runs a request's middleware
  and handler in one task, so every line the action logs (in threads too: ``asyncio.to_thread``
  copies the context) carries the id. Each ``/webhook`` request binds its own id, or none,
  so a keep-alive connection's next call never inherits one.
One place for all actions, and nothing for an action to remember.
"""

from __future__ import annotations

import logging
from typing import Any

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.metrics import action_of
from actions.metrics_plugin import WEBHOOK
from actions.metrics_plugin import webhook_call as action_call_of  # the webhook body, as rasa_sdk reads it
from actions.sanic_extensions import register_extension
from bot.logging_setup import bind_request_id, configure_logging, is_valid_request_id, reset_request_id
from bot.settings import get_settings

PLUGIN_NAME = "shop_request_ids"
PROCESS = "actions"

logger = logging.getLogger(__name__)


def request_id_of(action_call: Any) -> str | None:
    """The valid request id in the metadata of the action call's latest message, if any."""
    tracker = action_call.get("tracker") if isinstance(action_call, dict) else None
    latest = tracker.get("latest_message") if isinstance(tracker, dict) else None
    metadata = latest.get("metadata") if isinstance(latest, dict) else None
    value = metadata.get("request_id") if isinstance(metadata, dict) else None
    return value if is_valid_request_id(value) else None


async def bind(request: Request) -> None:
    """Request middleware: bind the call's request id (none for other paths)."""
    call = action_call_of(request) if request.path == WEBHOOK else None
    request.ctx.request_id_token = bind_request_id(request_id_of(call))
    request.ctx.request_id_action = action_of(call)


async def unbind(request: Request, answer: HTTPResponse) -> None:
    """Response middleware: log the run (with its id), then restore the binding before ``bind``."""
    token = getattr(request.ctx, "request_id_token", None)
    if token is None:
        return
    if request.path == WEBHOOK:
        logger.info("action %s answered %s", request.ctx.request_id_action, answer.status)
    try:
        reset_request_id(token)
    except ValueError:  # bound in another context: nothing of ours to restore
        pass


def attach(app: Sanic) -> None:
    """Configure this process's logging and bind request ids around ``app``'s webhook calls."""
    configure_logging(process=PROCESS, fmt=get_settings().log_format)
    app.register_middleware(bind, "request")
    app.register_middleware(unbind, "response")


def register() -> None:
    """Add this extension to the action server, once per process."""
    register_extension(PLUGIN_NAME, attach)
