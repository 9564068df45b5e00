"""Request and response bodies of the public API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

# Sender ids come from widgets and integrations; keep them to a safe alphabet.
SENDER_ID_PATTERN = r"^[A-Za-z0-9_.:@\-]+$"
MAX_MESSAGE_CHARS = 1000
# The languages the bot answers in; the words of a message decide, this is the hint
# for messages whose words don't tell ("ok", an order number).
Language = Literal["en", "de"]
LANGUAGE_DESCRIPTION = ("The page's language (`en` or `de`). The bot answers in the language a message is "
                        "written in; this decides for messages whose words don't tell, such as \"ok\" or an "
                        "order number. Omit it to keep the conversation's language.")


class ChatRequest(BaseModel):
    sender_id: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=SENDER_ID_PATTERN,
        description="The conversation to continue: the `sender_id` an earlier answer gave. Omit it to start "
                    "a new conversation. With an integration key (`Authorization: Bearer <key>`) it may be "
                    "the integration's own id (letters, digits, _ . : @ -), kept apart from everyone else's.",
        examples=[None],
    )
    message: str = Field(
        min_length=1, max_length=MAX_MESSAGE_CHARS,
        description=f"What the visitor typed, at most {MAX_MESSAGE_CHARS} characters.",
        examples=["do you have running shoes under 80 dollars"],
    )
    language: Language | None = Field(default=None, description=LANGUAGE_DESCRIPTION)


class Button(BaseModel):
    title: str
    payload: str


class BotMessage(BaseModel):
    text: str | None = None
    buttons: list[Button] = []
    image: str | None = None
    custom: dict[str, Any] | None = None


class ChatResponse(BaseModel):
    sender_id: str = Field(description="The conversation's id: send it back to continue the conversation.")
    messages: list[BotMessage]
    with_agent: bool = Field(
        default=False,
        description="A person from the support team holds the conversation: the bot stays silent "
                    "and the agent's replies reach the visitor through the widget's session, not here.",
    )


class ComponentHealth(BaseModel):
    ok: bool
    detail: str


class HealthResponse(BaseModel):
    status: Literal["ok", "degraded"]
    components: dict[str, ComponentHealth]


class ErrorResponse(BaseModel):
    error: str = Field(description="What went wrong, in a few words.", examples=["unknown session"])
    detail: Any = Field(default=None, description="More about it, when there is more to say.")


class FieldProblem(BaseModel):
    field: str = Field(description="Where: `message`, `query.wait`, `path.session_id`...", examples=["message"])
    problem: str = Field(examples=["String should have at most 1000 characters"])


class InvalidRequest(BaseModel):
    """A 422: the request is well-formed but its values are not acceptable."""

    error: str = Field(examples=["invalid request"])
    detail: list[FieldProblem] | str | None = Field(
        default=None, description="Each field that is wrong and why (or one sentence for the whole request).",
    )


# --- Widget sessions -------------------------------------------------------


class SessionCreated(BaseModel):
    session_id: str = Field(description="Opaque id of the visitor's conversation; keep it to resume.")


class SendMessageRequest(BaseModel):
    text: str = Field(
        min_length=1, max_length=MAX_MESSAGE_CHARS,
        description="What the visitor typed, or a quick reply's payload.",
        examples=["where is my order 100001?"],
    )
    client_id: str | None = Field(
        default=None, max_length=64, pattern=SENDER_ID_PATTERN,
        description="Client-made id of this message; a retry with the same id is not sent twice.",
    )
    display: str | None = Field(
        default=None, max_length=200, description="What the visitor clicked (a quick reply's title), shown instead of a payload.",
    )
    language: Language | None = Field(default=None, description=LANGUAGE_DESCRIPTION)


class ProductCard(BaseModel):
    id: int | None = None
    name: str | None = None
    brand: str | None = None
    price: str | None = None
    stock: str | None = None
    in_stock: bool | None = None
    url: str | None = None
    image: str | None = None
    click_url: str | None = Field(
        default=None,
        description="Path on the gateway that records a click on this card and redirects to `url`; "
                    "links should use it rather than `url`.",
    )


class ChatMessageOut(BaseModel):
    seq: int | None = Field(description="Position in the conversation; null for a notice that was not stored.")
    sender: Literal["visitor", "bot", "agent", "system"] = Field(serialization_alias="from")
    text: str | None = None
    buttons: list[Button] = []
    cards: list[ProductCard] = []
    image: str | None = None
    timestamp: float
    client_id: str | None = None
    agent_name: str | None = None
    ends: bool = Field(default=False, description="The bot said goodbye: the widget asks for a rating.")


class MessagesResponse(BaseModel):
    messages: list[ChatMessageOut]
    last_seq: int = Field(description="Pass as `after` to get only newer messages.")


# --- Conversation ratings ----------------------------------------------------


class RatingRequest(BaseModel):
    rating: int = Field(ge=1, le=5, strict=True, description="1 (poor) to 5 (excellent) stars.", examples=[4])
    comment: str | None = Field(default=None, max_length=1000, description="Optional words from the visitor.")


class RatingOut(BaseModel):
    rating: int
    comment: str | None = None
    created_at: datetime = Field(description="When the conversation was first rated.")
    updated_at: datetime = Field(description="When the rating was last changed.")
