"""An NLU component that lowers the intent confidence of messages made of unknown words.

It sits after the intent classifier and before the FallbackClassifier: when fewer
than `min_familiar_share` of a message's words are known (see familiarity.py),
the confidence of the intent and of every intent in the ranking is multiplied by
that share, so "blorp snargle" (share 0) falls back while "cheap runing shoos"
(typos of trained words) does not. The ranking keeps its order: the fallback's
"did you mean" buttons still come from it, and a message with no known word at
all (every confidence 0) gets the plain "could you rephrase?" answer instead of
guesses.

The vocabulary is the training data's words plus an optional English word list
(`lexicon`, one word a line; `make train` writes it from spaCy's lookup tables).
It is stored in the model, so serving needs no file.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.familiarity import Vocabulary, scaled_confidence, words_of

logger = logging.getLogger(__name__)

VOCABULARY_FILE = "trained_words.txt"
LEXICON_FILE = "lexicon.txt"
# Written into the message, so transcripts show why a message fell back.
FAMILIARITY_KEY = "familiarity"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class UnfamiliarWordsGate(GraphComponent):
    """Scales the predicted intent's confidence by the share of known words in the message."""

    @classmethod
    def required_components(cls) -> List[type]:
        # Its place after the intent classifier comes from the pipeline's order; the
        # train graph only feeds it the tokenized training data.
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"min_familiar_share": 0.5, "lexicon": None}

    def __init__(
        self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        vocabulary: Optional[Vocabulary] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._vocabulary = vocabulary or Vocabulary(())

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> "UnfamiliarWordsGate":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        trained: set[str] = set()
        for example in training_data.training_examples:
            trained.update(words_of(example.get(TEXT) or ""))
        for variant, value in training_data.entity_synonyms.items():
            trained.update(words_of(variant))
            trained.update(words_of(str(value)))
        for table in training_data.lookup_tables:
            for element in table.get("elements") or []:
                trained.update(words_of(str(element)))
        lexicon = self._read_lexicon()
        self._vocabulary = Vocabulary(trained, lexicon)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text("\n".join(sorted(trained)), encoding="utf-8")
            (directory / LEXICON_FILE).write_text("\n".join(sorted(lexicon)), encoding="utf-8")
        logger.info("UnfamiliarWordsGate: %d trained words, %d lexicon words", len(trained), len(lexicon))
        return self._resource

    def _read_lexicon(self) -> set[str]:
        path = self._config.get("lexicon")
        if not path:
            return set()
        file = Path(path)
        if not file.is_file():
            logger.warning("UnfamiliarWordsGate: lexicon %s not found; only training words count as known", path)
            return set()
        return {line.strip().lower() for line in file.read_text(encoding="utf-8").splitlines() if line.strip()}

    @classmethod
    def load(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext, **kwargs: Any,
    ) -> "UnfamiliarWordsGate":
        try:
            with model_storage.read_from(resource) as directory:
                trained = (directory / VOCABULARY_FILE).read_text(encoding="utf-8").split("\n")
                lexicon = (directory / LEXICON_FILE).read_text(encoding="utf-8").split("\n")
        except (ValueError, FileNotFoundError):
            logger.warning("UnfamiliarWordsGate: no stored vocabulary; the gate lets every message through")
            return cls(config, model_storage, resource, None)
        return cls(config, model_storage, resource, Vocabulary(trained, lexicon))

    def process(self, messages: List[Message]) -> List[Message]:
        if not self._vocabulary.trained:
            return messages
        min_share = float(self._config["min_familiar_share"])
        for message in messages:
            intent = message.get(INTENT)
            text = message.get(TEXT)
            if not intent or not text or text.startswith("/"):  # "/intent" payloads of buttons
                continue
            found = self._vocabulary.familiarity(text)
            message.set(FAMILIARITY_KEY, {"share": round(found.share, 3), "unknown": list(found.unknown)},
                        add_to_output=True)
            if found.share >= min_share or intent.get("confidence") is None:
                continue
            # The whole ranking is scaled, so what the transcripts and analytics read as the
            # classifier's confidence is the confidence the fallback acted on.
            message.set(INTENT, _scaled(intent, found.share, min_share), add_to_output=True)
            ranking = message.get(INTENT_RANKING_KEY) or []
            message.set(INTENT_RANKING_KEY, [_scaled(r, found.share, min_share) for r in ranking],
                        add_to_output=True)
        return messages


def _scaled(prediction: Dict[Text, Any], share: float, min_share: float) -> Dict[Text, Any]:
    confidence = prediction.get("confidence")
    if confidence is None:
        return prediction
    return {**prediction, "confidence": scaled_confidence(float(confidence), share, min_share)}
