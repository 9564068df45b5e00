"""rasa_addons.admission: at most N messages in Rasa's hands at once, let in in the order they came.

Runs in .venv-rasa (Rasa is Python 3.10): the add-on wraps Rasa's MessageProcessor.
"""

from __future__ import annotations

import pytest

from tests.rasa_addons.rasa_env import run_in_rasa

SCRIPT = r"""
import asyncio, json, os
from rasa.core.processor import MessageProcessor
import rasa_addons  # installs the add-ons
from rasa_addons import admission
from rasa_addons.admission import FirstComeDoor

out = {"wrapped": hasattr(MessageProcessor, "_shop_original_handle_message"),
       "default": admission.turns_at_once()}


async def orderly():
    door, inside, most, entered = FirstComeDoor(2), 0, 0, []

    async def turn(i):
        nonlocal inside, most
        async with door:
            inside += 1
            most = max(most, inside)
            entered.append(i)
            await asyncio.sleep(0.01 * (1 + i % 3))
            inside -= 1

    tasks = []
    for i in range(8):
        tasks.append(asyncio.create_task(turn(i)))
        await asyncio.sleep(0)  # they arrive one after the other
    await asyncio.gather(*tasks)
    return {"most": most, "entered": entered, "free": door.free, "waiting": door.waiting}


async def no_barging():
    # A place freed while others wait goes to the longest waiter, not to a newcomer arriving at that moment.
    door, entered = FirstComeDoor(1), []
    release = asyncio.Event()

    async def holder():
        async with door:
            entered.append("holder")
            await release.wait()

    async def waiter(name):
        async with door:
            entered.append(name)

    tasks = [asyncio.create_task(holder())]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(waiter("first waiter")))
    await asyncio.sleep(0)
    release.set()
    await asyncio.sleep(0)  # the holder leaves and hands its place on ...
    tasks.append(asyncio.create_task(waiter("newcomer")))  # ... as a newcomer arrives
    await asyncio.gather(*tasks)
    return entered


async def cancelled():
    door = FirstComeDoor(1)
    gate = asyncio.Event()

    async def holder():
        async with door:
            await gate.wait()

    h = asyncio.create_task(holder())
    await asyncio.sleep(0)
    w1 = asyncio.create_task(door.__aenter__())
    w2 = asyncio.create_task(door.__aenter__())
    await asyncio.sleep(0)
    w1.cancel()  # cancelled while waiting: it never had a place
    await asyncio.sleep(0)
    gate.set()
    await h
    await asyncio.wait_for(w2, 1)  # w2 got the place w1 gave up
    after_w2 = {"free": door.free, "waiting": door.waiting}
    await door.__aexit__(None, None, None)
    # A wait cancelled just as its place was handed over passes the place on.
    async with door:
        w3 = asyncio.create_task(door.__aenter__())
        w4 = asyncio.create_task(door.__aenter__())
        await asyncio.sleep(0)
    w3.cancel()  # the place was given to w3 at the exit above, before it ran
    await asyncio.wait_for(w4, 1)
    await door.__aexit__(None, None, None)
    return {"after_w2": after_w2, "end": {"free": door.free, "waiting": door.waiting}, "w1": w1.cancelled(),
            "w3": w3.cancelled()}


out["orderly"] = asyncio.run(orderly())
out["no_barging"] = asyncio.run(no_barging())
out["cancelled"] = asyncio.run(cancelled())
for raw in ("0", "12", "lots", "-1"):
    os.environ["SHOP_RASA_TURNS_AT_ONCE"] = raw
    try:
        out["setting " + raw] = admission.turns_at_once()
    except ValueError as e:
        out["setting " + raw] = str(e)
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def outcome() -> dict:
    return run_in_rasa("-c", SCRIPT)


def test_importing_the_addons_limits_the_messages_handled_at_once(outcome):
    assert outcome["wrapped"] is True
    assert outcome["default"] == 4


def test_turns_are_let_in_in_the_order_they_came_and_never_more_than_the_limit(outcome):
    orderly = outcome["orderly"]
    assert orderly["most"] == 2
    assert orderly["entered"] == list(range(8))
    assert orderly["free"] == 2 and orderly["waiting"] == 0


def test_a_freed_place_goes_to_the_longest_waiter_not_to_a_newcomer(outcome):
    assert outcome["no_barging"] == ["holder", "first waiter", "newcomer"]


def test_a_cancelled_wait_neither_keeps_nor_loses_a_place(outcome):
    cancelled = outcome["cancelled"]
    assert cancelled["w1"] and cancelled["w3"]
    assert cancelled["after_w2"] == {"free": 0, "waiting": 0}
    assert cancelled["end"] == {"free": 1, "waiting": 0}


def test_the_setting_is_a_whole_number_and_zero_means_no_limit(outcome):
    assert outcome["setting 0"] == 0 and outcome["setting 12"] == 12
    assert "whole number" in outcome["setting lots"]
    assert "0 or more" in outcome["setting -1"]
