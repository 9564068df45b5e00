"""The staff console: login, pages under /console and JSON under /api/console.

Wired into the app by ``api.console.app.install_console``; kept import-light so
``api.deps`` can import the console's helpers without a cycle.
"""
