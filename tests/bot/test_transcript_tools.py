"""Masking, entity markup, the timeline and the YAML exports, on hand-made tracker events."""

from __future__ import annotations

import pytest
import yaml

from bot.assistant_domain import assistant_domain, read_domain
from bot.transcripts.annotation import InvalidMarkup, Span, masked_markup, parse_markup, spans_for_original, to_markup
from bot.transcripts.export import NluExample, nlu_yaml, story_yaml
from bot.transcripts.masking import (
    ADDRESS_MASK,
    EMAIL_MASK,
    ORDER_MASK,
    PHONE_MASK,
    has_personal_data,
    mask_slot,
    mask_text,
    mask_with_alignment,
    original_offset,
    stand_in_text,
)
from bot.transcripts.store import StoredEvent
from bot.transcripts.transcript import Transcript, build_timeline, mask_transcript

ENTITIES = assistant_domain().entities


@pytest.mark.parametrize(("text", "masked"), [
    ("order 100001 please", f"order {ORDER_MASK} please"),
    ("it's #1000017", ORDER_MASK.join(["it's ", ""])),
    ("order 100 001", f"order {ORDER_MASK}"),
    ("mail Emma.Schmidt@Example.com now", f"mail {EMAIL_MASK} now"),
    ("100001@mail.de", EMAIL_MASK),
    ("shoes for 129.99 in size 44", "shoes for 129.99 in size 44"),
    ("delivery on 2025-03-01", "delivery on 2025-03-01"),
    ("12345 or 123456789", "12345 or 123456789"),
])
def test_masking_hides_emails_and_order_numbers(text, masked):
    assert mask_text(text) == masked
    assert has_personal_data(text) == (masked != text)


@pytest.mark.parametrize(("text", "masked"), [
    # Order numbers with odd spacing.
    ("order 100  001 please", f"order {ORDER_MASK} please"),
    ("order 100-001", f"order {ORDER_MASK}"),
    ("order #100 - 001", f"order {ORDER_MASK}"),
    # Phone numbers, international and local.
    ("call me at +49 30 1234567 please", f"call me at {PHONE_MASK} please"),
    ("+1 (555) 123-4567", PHONE_MASK),
    ("0049 30 12345678", PHONE_MASK),
    ("my mobile is 0171 1234567", f"my mobile is {PHONE_MASK}"),
    ("tel. 030/1234567", f"tel. {PHONE_MASK}"),
    ("(030) 123 45 67", PHONE_MASK),
    ("555-123-4567", PHONE_MASK),
    # Street addresses.
    ("I live at 12 Baker Street, London", f"I live at {ADDRESS_MASK}, London"),
    ("221B Baker St. please", f"{ADDRESS_MASK} please"),
    ("Hauptstraße 5, 10115 Berlin", f"{ADDRESS_MASK}, 10115 Berlin"),
    ("send it to Berliner Str. 12a", f"send it to {ADDRESS_MASK}"),
    ("12 rue de la Paix", ADDRESS_MASK),
    # Not personal: prices, sizes, dates, times, quantities, plain 9-digit numbers.
    ("2 for 19,99 € or 1 299,00 EUR", "2 for 19,99 € or 1 299,00 EUR"),
    ("size 10 to 12 cm, shoe size 42", "size 10 to 12 cm, shoe size 42"),
    ("delivery on 2025-03-01 10:30", "delivery on 2025-03-01 10:30"),
    ("on 01.03.2025 or 1/3/2025", "on 01.03.2025 or 1/3/2025"),
    ("3 items on the way, open 10-12 and 14-18", "3 items on the way, open 10-12 and 14-18"),
    ("12345 or 123456789", "12345 or 123456789"),
])
def test_masking_hides_phone_numbers_addresses_and_spaced_order_numbers(text, masked):
    assert mask_text(text) == masked


def test_stand_ins_replace_phones_and_addresses_in_exports():
    exported = stand_in_text("ring +49 30 1234567 or come to 12 Baker Street")
    assert "1234567" not in exported and "Baker" not in exported
    assert exported == "ring +44 20 7946 0000 or come to 1 Example Street"


def test_masked_offsets_map_back_to_the_original():
    text = "mail a.b@c.de and #100001 ok"
    masked, replaced = mask_with_alignment(text)
    assert masked == f"mail {EMAIL_MASK} and {ORDER_MASK} ok"
    start = masked.index(EMAIL_MASK)
    end = start + len(EMAIL_MASK)
    assert (original_offset(start, replaced, is_end=False), original_offset(end, replaced, is_end=True)) == (5, 13)
    assert original_offset(masked.index(" ok"), replaced, is_end=False) == text.index(" ok")
    assert stand_in_text(text) == "mail customer@example.com and 123456 ok"
    assert mask_slot("verified_email", "a@b.de") == EMAIL_MASK and mask_slot("order_summary", "100001: shipped") \
        == f"{ORDER_MASK}: shipped"


def test_markup_round_trip():
    text = "black nike shoes in 44"
    spans = [Span(0, 5, "color"), Span(6, 10, "brand"), Span(20, 22, "size")]
    markup = to_markup(text, spans)
    assert markup == "[black](color) [nike](brand) shoes in [44](size)"
    assert parse_markup(markup, entities=ENTITIES) == (text, spans)
    for bad in ("[black](colour) shoes", "[black shoes", "black] shoes"):
        with pytest.raises(InvalidMarkup):
            parse_markup(bad, entities=ENTITIES)


def test_markup_over_masked_text_lands_on_the_original():
    original = "my email is emma.schmidt@example.com and order 100001"
    spans = [Span(12, 36, "email")]
    shown = masked_markup(original, spans)
    assert shown == f"my email is [{EMAIL_MASK}](email) and order {ORDER_MASK}"
    # The agent also marks the order number, over its mask.
    edited = shown.replace(ORDER_MASK, f"[{ORDER_MASK}](order_number)")
    mapped = spans_for_original(edited, original=original, masked=True, entities=ENTITIES)
    assert [(original[s.start:s.end], s.entity) for s in mapped] == [
        ("emma.schmidt@example.com", "email"), ("100001", "order_number")]
    with pytest.raises(InvalidMarkup):
        spans_for_original(shown.replace("my", "our"), original=original, masked=True, entities=ENTITIES)


def _event(seq: int, type_name: str, **data) -> StoredEvent:
    return StoredEvent(seq=seq, sender_id="s1", type_name=type_name, timestamp=1_750_000_000.0 + seq,
                       data={"event": type_name, **data})


EVENTS = [
    _event(1, "action", name="action_session_start"),
    _event(2, "session_started"),
    _event(3, "action", name="action_listen"),
    _event(4, "user", text="where is order 100001", parse_data={
        "intent": {"name": "order_status", "confidence": 0.91},
        "entities": [{"entity": "order_number", "start": 15, "end": 21, "value": "100001",
                      "extractor": "RegexEntityExtractor"}],
        "intent_ranking": [{"name": "order_status", "confidence": 0.91}]}),
    _event(5, "action", name="order_status_form", policy="RulePolicy", confidence=1.0),
    _event(6, "active_loop", name="order_status_form"),
    _event(7, "slot", name="requested_slot", value="email"),
    _event(8, "bot", text="What's the order's email?", data={"buttons": [{"title": "Stop", "payload": "/deny"}]},
           metadata={"utter_action": "utter_ask_email"}),
    _event(9, "user", text="/deny", parse_data={"intent": {"name": "deny", "confidence": 1.0}, "entities": []}),
    _event(10, "user_featurization"),
    _event(11, "slot", name="verified_email", value="emma@example.com"),
    _event(12, "active_loop", name=None),
    _event(13, "user", text="blorp", parse_data={
        "intent": {"name": "nlu_fallback", "confidence": 0.45}, "entities": [],
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "greet", "confidence": 0.2}]}),
    _event(14, "bot", text="Sorry, a colleague here.", metadata={"sender": "agent", "agent_name": "Ana"}),
]


def test_timeline_shows_messages_nlu_actions_slots_and_loops():
    items = build_timeline(EVENTS)
    kinds = [(i.event_id, i.kind) for i in items]
    assert kinds == [(1, "action"), (2, "session"), (4, "visitor"), (5, "action"), (6, "loop"), (7, "slot"),
                     (8, "bot"), (9, "visitor"), (11, "slot"), (12, "loop"), (13, "visitor"), (14, "bot")]
    first = items[2]
    assert (first.intent, first.confidence, first.entities[0].value) == ("order_status", 0.91, "100001")
    button = items[7]
    assert button.text == "Stop" and button.raw_text == "/deny" and button.from_button
    assert (items[10].runner_up, items[10].runner_up_confidence) == ("greet", 0.2)
    assert items[11].sender == "agent" and items[11].agent_name == "Ana"
    assert items[6].response == "utter_ask_email" and items[6].buttons == ("Stop",)

    masked = mask_transcript(Transcript(sender_id="s1", items=items)).items
    assert masked[2].text == f"where is order {ORDER_MASK}" and masked[2].entities[0].value == ORDER_MASK
    assert masked[8].value == EMAIL_MASK and masked[6].text == items[6].text


def test_nlu_export_is_rasa_3_training_data():
    examples = [
        NluExample("black nike shoes", "product_search", (Span(0, 5, "color"), Span(6, 10, "brand"))),
        NluExample("it is 100001, emma@example.com", "inform", (Span(6, 12, "order_number"), Span(14, 30, "email"))),
        NluExample("black nike shoes", "product_search", (Span(0, 5, "color"), Span(6, 10, "brand"))),
    ]
    text = nlu_yaml(examples)
    data = yaml.safe_load(text)
    assert data["version"] == "3.1"
    assert data["nlu"] == [
        {"intent": "inform", "examples": "- it is [100001](order_number), [emma@example.com](email)\n"},
        {"intent": "product_search", "examples": "- [black](color) [nike](brand) shoes\n"},
    ]
    hidden = yaml.safe_load(nlu_yaml(examples, stand_ins=True))
    assert hidden["nlu"][0]["examples"] == "- it is [123456](order_number), [customer@example.com](email)\n"
    assert yaml.safe_load(nlu_yaml([])) ["nlu"] == []


def test_story_export_has_user_steps_actions_loops_and_featurized_slots():
    transcript = Transcript(sender_id="s1", items=build_timeline(EVENTS))
    text = story_yaml(transcript, featurized_slots=read_domain().featurized_slots, relabelled={13: "greet"})
    data = yaml.safe_load(text)
    assert data["version"] == "3.1"
    steps = data["stories"][0]["steps"]
    assert steps == [
        {"user": "where is order 100001\n", "intent": "order_status"},
        {"action": "order_status_form"},
        {"active_loop": "order_status_form"},
        {"slot_was_set": [{"requested_slot": "email"}]},
        {"user": "/deny\n", "intent": "deny"},
        {"active_loop": None},
        {"user": "blorp\n", "intent": "nlu_fallback"},
    ]
    assert "# staff relabelled this message as greet" in text
    assert "123456" in story_yaml(transcript, featurized_slots=(), stand_ins=True)
