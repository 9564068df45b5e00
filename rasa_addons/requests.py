"""Find the requests in a message: the sentence that asks in a long one, both questions of two.

Why (issue 17, item 5): a visitor who writes several sentences of story and
ends with "can I split the payment into a few instalments somehow?" was
classified on the whole text, where the story's words (orders, returns)
outweighed the one sentence that asked something, and got "did you mean"
buttons about orders and returns.

What: `sentences` cuts a message at sentence ends, semicolons, line breaks
and dashes between words. The intent classifier scores each sentence on its
own as well as the whole message; `pick` then chooses what the message asks:
among sentences whose best intent is a shop request (not a greeting, thanks,
yes/no, a bare order number or something out of scope), questions first, and
among those the most confident. The whole message keeps its own reading when
it is a confident shop request already, or when no sentence is one.
Only the classifier's choice moves; entities are still read from the whole
message.

Two questions in one message (item 2), "where is my order and do you ship to
canada?": `two_requests` also cuts before "and"/"also" when a question starts
there, and finds two parts that ask for different shop requests. The
classifier then reads the message by its first request and leaves the second
in `SECOND_REQUESTS` under the message's id, where the gateway's channel
(`rasa_addons.channels`) picks it up and hands it to Rasa as the next message
of the conversation, so the visitor gets both answers in order.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Callable, List, Optional, Sequence, Tuple

# A ranking: (intent name, confidence), likeliest first.
Ranking = Sequence[Tuple[str, float]]

# Intents that do not state what the visitor wants from the shop.
NOT_A_REQUEST = frozenset({
    "greet", "goodbye", "thank", "affirm", "deny", "inform", "bot_challenge", "out_of_scope", "nlu_fallback",
})
_CUT = re.compile(r"(?<=[.!?;])\s+|\n+|\s+[-–—]+\s+")
_AND = re.compile(r",?\s+(?:and|also|plus)\s+(?:also\s+)?", re.I)
_QUESTION_START = re.compile(
    r"^(?:(?:and|so|but|also|ok|okay|well|hmm|oh|btw|then|just)\W+)*"
    r"(?:can|could|would|will|do|does|did|is|are|was|were|have|has|should|shall|may|might|any|how|what|when|"
    r"where|which|who|why|whats|what's|hows|how's|wheres|where's|whens|when's|pls|please)\b",
    re.I,
)
MIN_WORDS = 8  # shorter messages are read whole
CONFIDENT = 0.6  # a whole-message request this sure is kept
SURE = 0.5  # each of two requests must be at least this sure
MAX_PARTS = 12  # parts scored per message: bounds the work a long message costs
SECOND_REQUESTS: "OrderedDict[str, str]" = OrderedDict()  # message id -> the second request's text
_KEEP = 1000


def sentences(text: str) -> List[str]:
    """The message's sentences (at least one word each), in order."""
    return [part.strip() for part in _CUT.split(text or "") if re.search(r"\w", part)]


def is_question(sentence: str) -> bool:
    """True for a sentence that asks: ends with "?" or starts like a question or a request."""
    stripped = sentence.strip()
    return stripped.endswith("?") or bool(_QUESTION_START.match(stripped))


def pick(text: str, score: Callable[[str], Ranking], whole: Ranking) -> Optional[Tuple[str, Ranking]]:
    """The sentence the message asks with and its ranking, or None to keep the whole message's.

    ``score`` ranks one sentence; ``whole`` is the whole message's ranking.
    """
    parts = clauses(text)[:MAX_PARTS]
    if len(parts) < 2 or len(text.split()) < MIN_WORDS:
        return None
    if whole and whole[0][0] not in NOT_A_REQUEST and whole[0][1] >= CONFIDENT:
        return None
    candidates = []
    for position, part in enumerate(parts):
        ranking = score(part)
        if ranking and ranking[0][0] not in NOT_A_REQUEST:
            candidates.append((is_question(part), ranking[0][1], -position, part, ranking))
    if not candidates:
        return None
    _, confidence, _, part, ranking = max(candidates)
    if whole and whole[0][0] not in NOT_A_REQUEST and whole[0][1] >= confidence:
        return None
    return part, ranking


def clauses(text: str) -> List[str]:
    """The sentences, each also cut before "and ..." / "also ..." where a question starts."""
    parts: List[str] = []
    for sentence in sentences(text):
        pieces = _AND.split(sentence)
        current = pieces[0]
        for piece in pieces[1:]:
            if is_question(piece) and re.search(r"\w", current):
                parts.append(current.strip(" ,"))
                current = piece
            else:
                current = f"{current} and {piece}"
        parts.append(current.strip(" ,"))
    return [part for part in parts if re.search(r"\w", part)]


def two_requests(text: str, score: Callable[[str], Ranking]) -> Optional[Tuple[str, str]]:
    """The first and second of two different shop requests in one message, or None."""
    parts = clauses(text)[:MAX_PARTS]
    if len(parts) < 2:
        return None
    asked = []
    for part in parts:
        ranking = score(part)
        if ranking and ranking[0][0] not in NOT_A_REQUEST and ranking[0][1] >= SURE:
            asked.append((part, ranking[0][0]))
    if len(asked) < 2 or asked[0][1] == asked[1][1]:
        return None
    return asked[0][0], asked[1][0]


def remember_second(message_id: Optional[str], text: str) -> None:
    """Leave `text` for the channel that delivered message `message_id`."""
    if not message_id:
        return
    SECOND_REQUESTS[message_id] = text
    while len(SECOND_REQUESTS) > _KEEP:
        SECOND_REQUESTS.popitem(last=False)


def take_second(message_id: Optional[str]) -> Optional[str]:
    """The second request of message `message_id`, once."""
    return SECOND_REQUESTS.pop(message_id, None) if message_id else None
