"""Request and response bodies of the public API."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

# Sender ids come from widgets and integrations; keep them to a safe alphabet.
SENDER_ID_PATTERN = r"^[A-Za-z0-9_.:@\-]+$"
MAX_MESSAGE_CHARS = 1000


class ChatRequest(BaseModel):
    sender_id: str = Field(
        min_length=1, max_length=128, pattern=SENDER_ID_PATTERN,
        description="Stable id of the visitor's conversation (letters, digits, _ . : @ -).",
        examples=["visitor-3f9c2a"],
    )
    message: str = Field(
        min_length=1, max_length=MAX_MESSAGE_CHARS,
        description=f"What the visitor typed, at most {MAX_MESSAGE_CHARS} characters.",
        examples=["do you have running shoes under 80 dollars"],
    )


class Button(BaseModel):
    title: str
    payload: str


class BotMessage(BaseModel):
    text: str | None = None
    buttons: list[Button] = []
    image: str | None = None
    custom: dict[str, Any] | None = None


class ChatResponse(BaseModel):
    sender_id: str
    messages: list[BotMessage]


class ComponentHealth(BaseModel):
    ok: bool
    detail: str


class HealthResponse(BaseModel):
    status: Literal["ok", "degraded"]
    components: dict[str, ComponentHealth]


class ErrorResponse(BaseModel):
    error: str
    detail: Any = None
