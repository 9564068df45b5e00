"""rasa_addons.language_detection and the LanguageDetector component: which language a
message is answered in."""

from __future__ import annotations

import json

import pytest

from rasa_addons.language_detection import ENGLISH, GERMAN, detect_language
from tests.rasa_addons.rasa_env import run_in_rasa


@pytest.mark.parametrize("text", [
    "Wo ist meine Bestellung?", "lieferzeit?", "hast du rote Laufschuhe unter 80 €", "Größe 42",
    "kann ich mit paypal zahlen", "danke!", "moechte zurueckschicken", "Hallo, habt ihr Sneaker von Nike?",
    "Servus, kurze frage zum versand",
])
def test_german_messages_are_german(text):
    assert detect_language(text) == "de"


@pytest.mark.parametrize("text", [
    "where is my order", "size 42", "can I pay with paypal", "thanks!", "Hallo, do you ship to Austria?",
    "do you have any red running shoes under $80?", "talk to a human please",
])
def test_english_messages_are_english(text):
    assert detect_language(text) == "en"


@pytest.mark.parametrize("text", ["ok", "100234", "anna@example.com", "Nike Pegasus", "👍", "", "?!"])
def test_messages_whose_words_dont_tell_take_the_hint_or_nothing(text):
    assert detect_language(text) is None
    assert detect_language(text, "de") == "de"
    assert detect_language(text, "de-AT") == "de"
    assert detect_language(text, "en") == "en"
    assert detect_language(text, "fr") is None  # not a language the bot answers in


def test_the_word_lists_share_no_word():
    # A word both languages use ("in", "so", "was", "will", "also") would decide wrongly half the time.
    assert not GERMAN & ENGLISH


SCRIPT = """
import json, sys
from rasa.shared.nlu.training_data.message import Message
from rasa_addons.language import LanguageDetector
cases = json.loads(sys.argv[1])
detector = LanguageDetector.create({}, None, None, None)
out = []
for text, metadata, entities in cases:
    message = Message(data={"text": text, "metadata": metadata, "entities": entities})
    detector.process([message])
    out.append(message.get("entities"))
print(json.dumps(out))
"""


def test_the_component_adds_one_language_entity_and_keeps_the_others():
    brand = {"entity": "brand", "value": "nike", "start": 0, "end": 4, "extractor": "CRFEntityExtractor"}
    cases = [
        ["Nike bitte", None, [brand]],
        ["Nike", {"language": "de"}, [brand]],
        ["Nike", None, [brand]],
        ["where is it", {"language": "de"}, [{"entity": "language", "value": "de", "start": 0, "end": 1}]],
    ]
    out = run_in_rasa("-c", SCRIPT, json.dumps(cases))
    languages = [[e["value"] for e in entities if e["entity"] == "language"] for entities in out]
    assert languages == [["de"], ["de"], [], ["en"]]  # the words beat the hint; one entity, never two
    assert brand in out[0] and brand in out[1] and out[2] == [brand]
