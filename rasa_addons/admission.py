"""A bounded number of messages in Rasa's hands at once, admitted first come, first served.

Why: Rasa handles every message it receives at once, interleaved on one event
loop. A turn goes round that loop several times (the NLU and policies, an
action call, a form's `validate_<form>` call, the tracker store), and at each
round it queues behind every other message's round. With 32 conversations
talking at once, a turn with three action calls waited three times as long as
one with a single response: p95 was about twice p50 (REST channel, 32
conversations, issue #16). The mean wait cannot change in a closed loop (it
is the number of conversations over the throughput), but its spread can.

What: `install()` wraps `MessageProcessor.handle_message` so that at most
`SHOP_RASA_TURNS_AT_ONCE` messages (default 4) are being handled at a time;
the others wait, and are let in in the order they came. Enough turns are in
at once to keep the action server and the database busy while Rasa waits for
them. A turn that waits does so holding its conversation's lock, as it would
while being handled; its own later messages come after it anyway.
`0` turns the limit off (Rasa's own behaviour).
"""

from __future__ import annotations

import asyncio
import collections
import functools
import os
import weakref
from typing import Any, Deque

from rasa.core.processor import MessageProcessor

ENV = "SHOP_RASA_TURNS_AT_ONCE"
DEFAULT_TURNS = 4
_ORIGINAL = "_shop_original_handle_message"


class FirstComeDoor:
    """A semaphore that hands a freed place to the longest waiter (asyncio's may let a newcomer in first)."""

    def __init__(self, places: int) -> None:
        self.free = places
        self._waiting: Deque["asyncio.Future[None]"] = collections.deque()

    async def __aenter__(self) -> None:
        if self.free > 0 and not self._waiting:
            self.free -= 1
            return
        place: "asyncio.Future[None]" = asyncio.get_running_loop().create_future()
        self._waiting.append(place)
        try:
            await place
        except asyncio.CancelledError:
            if place.done() and not place.cancelled():
                self._hand_on()  # the place was given as the wait was cancelled: pass it on
            else:
                self._waiting.remove(place)
            raise

    async def __aexit__(self, *exc: Any) -> None:
        self._hand_on()

    def _hand_on(self) -> None:
        while self._waiting:
            place = self._waiting.popleft()
            if not place.done():
                place.set_result(None)
                return
        self.free += 1

    @property
    def waiting(self) -> int:
        return len(self._waiting)


def turns_at_once() -> int:
    raw = os.environ.get(ENV, "").strip()
    try:
        value = int(raw) if raw else DEFAULT_TURNS
    except ValueError:
        raise ValueError(f"{ENV} must be a whole number (0 for no limit), not {raw!r}") from None
    if value < 0:
        raise ValueError(f"{ENV} must be 0 or more, not {value}")
    return value


_DOORS: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, FirstComeDoor]" = weakref.WeakKeyDictionary()


def _door(places: int) -> FirstComeDoor:
    """The door of the running event loop (one per loop: tests run several)."""
    loop = asyncio.get_running_loop()
    door = _DOORS.get(loop)
    if door is None:
        door = _DOORS[loop] = FirstComeDoor(places)
    return door


def install() -> None:
    """Limit the messages handled at once (idempotent); with the setting 0, leave Rasa as it is."""
    places = turns_at_once()
    if hasattr(MessageProcessor, _ORIGINAL) or places == 0:
        return
    original = MessageProcessor.handle_message
    setattr(MessageProcessor, _ORIGINAL, original)

    @functools.wraps(original)
    async def handle_message(self: MessageProcessor, message: Any) -> Any:
        async with _door(places):
            return await original(self, message)

    MessageProcessor.handle_message = handle_message  # type: ignore[method-assign]
