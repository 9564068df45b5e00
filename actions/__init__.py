"""Rasa custom actions: thin adapters from the dialogue to the ``bot`` core."""

from actions.metrics_plugin import register as _register_metrics_plugin

# Before rasa_sdk builds its app: the plugin adds /metrics to it (actions/metrics_plugin.py).
_register_metrics_plugin()
