"""Rasa custom actions: thin adapters from the dialogue to the ``bot`` core."""

from actions.metrics_plugin import register as _register_metrics_plugin
from actions.request_ids import register as _register_request_ids_plugin

# Before rasa_sdk builds its app: the plugin adds /metrics to it (actions/metrics_plugin.py).
_register_metrics_plugin()
# Likewise: the log format, and the gateway's request id on every line (actions/request_ids.py).
_register_request_ids_plugin()
