"""Registering code that extends the action server's Sanic app (metrics, request ids).

rasa_sdk builds its Sanic app and then calls the pluggy hook
``attach_sanic_app_extensions(app)`` (rasa_sdk/plugin.py) on every plugin
registered with its plugin manager; each extension here is one such plugin.
"""

from __future__ import annotations

from collections.abc import Callable

import pluggy
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic

hookimpl = pluggy.HookimplMarker("rasa_sdk")


class _Extension:
    def __init__(self, attach: Callable[[Sanic], None]) -> None:
        self._attach = attach

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        self._attach(app)


def register_extension(name: str, attach: Callable[[Sanic], None]) -> None:
    """Call ``attach(app)`` on the action server's app; registered once per process under ``name``."""
    manager = plugin_manager()
    if not manager.has_plugin(name):
        manager.register(_Extension(attach), name=name)
