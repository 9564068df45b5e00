"""rasa_addons.requests: the sentence a long message asks with, and two requests in one message."""

from __future__ import annotations

from rasa_addons import requests
from rasa_addons.requests import clauses, is_question, pick, remember_second, sentences, take_second, two_requests

# A stand-in for the classifier: intent by keyword, confident.
KEYWORDS = {"order": "order_status", "ship": "shipping_info", "deliver": "shipping_info", "refund": "return_policy",
            "instalment": "payment_info", "hoodie": "product_search", "hi": "greet", "thanks": "thank"}


def score(text: str):
    for word, intent in KEYWORDS.items():
        if word in text.lower():
            return [(intent, 0.9), ("out_of_scope", 0.05)]
    return [("out_of_scope", 0.7)]


def test_sentences_and_clauses():
    assert sentences("Hi! I bought a jacket.\nCan I pay later? thanks") == ["Hi!", "I bought a jacket.", "Can I pay later?", "thanks"]
    assert sentences("  ") == []
    assert clauses("where is my order and do you ship to canada?") == ["where is my order", "do you ship to canada?"]
    # "and" inside one request is not a cut
    assert clauses("I want black jeans and a red hoodie") == ["I want black jeans and a red hoodie"]
    assert clauses("ok cool, and what day will it get here?") == ["ok cool", "what day will it get here?"]


def test_questions():
    assert is_question("can I split the payment?") and is_question("so how long does it take")
    assert is_question("do you ship to canada") and not is_question("I bought a jacket last month.")


def test_two_different_requests_are_found_in_order():
    assert two_requests("where is my order and do you ship to canada?", score) == (
        "where is my order", "do you ship to canada?")
    assert two_requests("where is my order?", score) is None
    # the same request twice is one request
    assert two_requests("where is my order and where is my other order?", score) is None
    # a greeting is not a request
    assert two_requests("hi and where is my order?", score) is None


def test_the_question_of_a_long_message_decides():
    story = ("So last month I bought a jacket for my husband, he loved it and my order came fast. "
             "Money is tight this month. Can I pay in instalments somehow?")
    whole = [("order_status", 0.4)]
    assert pick(story, score, whole) == ("Can I pay in instalments somehow?", score("instalment"))
    # a confident whole-message request is kept; short messages are read whole
    assert pick(story, score, [("payment_info", 0.95)]) is None
    assert pick("hi. where is my order?", score, whole) is None


def test_a_second_request_is_handed_over_once_and_the_store_is_bounded():
    remember_second("m1", "do you ship to canada?")
    assert take_second("m1") == "do you ship to canada?"
    assert take_second("m1") is None and take_second(None) is None
    for i in range(requests._KEEP + 50):
        remember_second(f"x{i}", "text")
    assert len(requests.SECOND_REQUESTS) == requests._KEEP and take_second("x0") is None
    requests.SECOND_REQUESTS.clear()


def test_a_message_of_many_clauses_costs_a_bounded_number_of_scores():
    calls = []

    def counting(text):
        calls.append(text)
        return score(text)

    flood = " and ".join(["do you ship to canada?"] * 200)
    two_requests(flood, counting)
    pick(flood, counting, [("out_of_scope", 0.2)])
    assert len(calls) <= 2 * requests.MAX_PARTS
