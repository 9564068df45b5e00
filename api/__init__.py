"""Public FastAPI gateway: chat, health, and (later) widget, console and analytics."""
