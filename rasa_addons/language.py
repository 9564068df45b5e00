"""An NLU component that tells which language a message is written in (English or German).

The answer only chooses the language of the bot's replies: the intents, entities and
stories are shared, and the classifier is trained on both languages at once. The
result is written as a `language` entity, which fills the `language` slot that the
German response variations are conditioned on (domain.yml), and shows in the console
with the rest of what the bot understood.

How the language is told: language_detection.py. The hint for messages whose words
don't tell is the language the client sent in the message's metadata
(`{"language": "de"}`: the widget's `data-lang`); with none, no entity is added and the
slot keeps the conversation's language.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.language_detection import detect_language

LANGUAGE_ENTITY = "language"
METADATA_KEY = "language"


def _hint(message: Message) -> Optional[str]:
    metadata = message.get("metadata")
    if isinstance(metadata, dict):
        value = metadata.get(METADATA_KEY)
        if isinstance(value, str):
            return value
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class LanguageDetector(GraphComponent):
    """Adds a `language` entity ("en" or "de") to each message whose language is known."""

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            language = detect_language(text, _hint(message))
            if language is None:
                continue
            entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != LANGUAGE_ENTITY]
            entities.append({
                "entity": LANGUAGE_ENTITY, "value": language, "start": 0, "end": len(text),
                "extractor": type(self).__name__,
            })
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
