"""Conversations nobody scripted: random visits mixing every topic, in any order.

The dialogue has no ML policy (config.yml: rules and memorised stories), so a turn
that no rule covers would get Rasa's core fallback ("Sorry, I didn't quite get
that ..."). Here only gibberish may get it; every other message gets an answer.
"""

from __future__ import annotations

import random

import yaml

from bot.seed import DEMO_ORDERS
from tests.e2e.stack import ROOT

GIBBERISH = "asdf qwer zxcv"
MESSAGES = [
    "hi", "hello there", "thanks", "thank you so much", "bye", "yes", "yeah sure", "no", "no thanks", "ok",
    "are you a bot?", "what's the weather like", GIBBERISH,
    "show me levis jeans", "any cheaper?", "in blue", "is the first one in stock?", "tell me more about the second one",
    "recommend something", "do you have running shoes under 100", "black hoodie size M",
    "where is my order?", "when will it arrive", "can i cancel it", "i want to return something",
    "how much is shipping", "can i pay with paypal", "how long do i have to return",
    "{number}", "{email}", "cancel my order please", "let me know when it's back", "stop notifications",
]
CONVERSATIONS, TURNS = 30, 8


def _core_fallback() -> str:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    return domain["responses"]["utter_default"][0]["text"]


def test_random_visits_get_an_answer_to_every_message(sqlite_stack):
    core_fallback = _core_fallback()
    rnd = random.Random(16)
    unanswered = []
    for n in range(CONVERSATIONS):
        demo = DEMO_ORDERS[n % 3]
        sender, said = f"unscripted-{n}", []
        for _ in range(TURNS):
            text = rnd.choice(MESSAGES).format(number=demo["number"], email=demo["email"])
            said.append(text)
            response = sqlite_stack.chat(sender, text)
            assert response.status_code == 200, (said, response.text)
            messages = response.json()["messages"]
            assert any((m.get("text") or "").strip() or m.get("custom") for m in messages), said
            if any(m.get("text") == core_fallback for m in messages) and text != GIBBERISH:
                unanswered.append(said[-3:])
    assert not unanswered, f"turns that got Rasa's core fallback (last three messages each): {unanswered}"
