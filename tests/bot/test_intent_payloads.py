"""Which ``/intent{...}`` payloads a visitor may send: plain intents, string or finite-number entities."""

from __future__ import annotations

import json

import pytest

from bot.intent_payloads import (
    MAX_PAYLOAD_CHARS,
    IntentPayload,
    InvalidIntentPayload,
    is_acceptable_intent_payload,
    parse_intent_payload,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("/greet", IntentPayload("greet")),
    ("/human_handoff", IntentPayload("human_handoff")),
    ("/faq/shipping", IntentPayload("faq/shipping")),
    ('/product_search{"brand": "Nike", "price": 80}', IntentPayload("product_search", (("brand", "Nike"), ("price", 80)))),
    ('/inform{"price":79.5,"size":"-1"}', IntentPayload("inform", (("price", 79.5), ("size", "-1")))),
    ('/inform{"price": -1e3}', IntentPayload("inform", (("price", -1000.0),))),
    ("/inform{}", IntentPayload("inform")),
    ('/inform{"order_number": "100001"}', IntentPayload("inform", (("order_number", "100001"),))),
])
def test_plain_payloads_are_read(text, expected):
    assert parse_intent_payload(text) == expected
    assert is_acceptable_intent_payload(text)


@pytest.mark.parametrize("text", [
    '/greet{"brand":1e999}', '/greet{"brand":-1e999}', '/greet{"brand":NaN}', '/greet{"brand":Infinity}',
    '/greet{"brand":-Infinity}', '/greet{"n":123456789012345678}', '/greet{"n":' + "9" * 5000 + "}",
    '/greet{"brand":true}', '/greet{"brand":null}', '/greet{"brand":["a","b"]}', '/greet{"brand":{"x":1}}',
    '/greet{"brand":"a","brand":"b"}', '/greet{"bad name":"x"}', '/greet{"":"x"}',
    '/greet{"brand":"' + "x" * 201 + '"}', "/greet{" + ",".join(f'"e{i}":1' for i in range(9)) + "}",
    "/greet@0.1", '/greet@1{"brand":"x"}', '/greet{"brand":"x"} more', '/greet{"a":1}{"b":2}', "/greet{brand:1}",
    '/greet{"brand":"x"', "/greet ", " /greet", "greet", "/", "//greet", "/greet{", "/gr eet", "/<script>",
    "/" + "g" * MAX_PAYLOAD_CHARS, "/greet[1]", '/greet"x"', "/greet\n", "",
    '/greet{"brand":"\\ud800"}', '/greet{"brand":"a\\u0000b"}', '/greet{"brand":"a\\nb"}',
])
def test_anything_else_is_refused_with_a_reason(text):
    with pytest.raises(InvalidIntentPayload) as refused:
        parse_intent_payload(text)
    assert refused.value.reason
    assert not is_acceptable_intent_payload(text)


def test_the_refusal_says_what_was_wrong():
    with pytest.raises(InvalidIntentPayload, match="out of range"):
        parse_intent_payload('/greet{"brand":1e999}')
    with pytest.raises(InvalidIntentPayload, match="NaN is not a number"):
        parse_intent_payload('/greet{"brand":NaN}')
    with pytest.raises(InvalidIntentPayload, match="'brand' is not a string or a number"):
        parse_intent_payload('/greet{"brand":true}')


def test_an_accepted_payload_is_written_back_as_strict_json():
    payload = parse_intent_payload('/product_search{ "brand" : "Café",  "price": 80.0 }')
    assert payload.as_text() == '/product_search{"brand":"Café","price":80.0}'
    assert parse_intent_payload(payload.as_text()) == payload
    assert parse_intent_payload("/greet").as_text() == "/greet"
    entities = payload.as_text()[len("/product_search"):]
    json.loads(entities, parse_constant=lambda token: pytest.fail(f"not JSON: {token}"))
