"""Intent classification and policy-answer selection with linear models over TF-IDF n-grams.

They replace DIET's intent head and the TensorFlow ResponseSelector (issue 16):
on this data a logistic regression over word 1-2-grams and character 1-4-grams
(inside word boundaries, so typos still share most n-grams) scores as well as
the transformers on the held-out sets, trains in seconds instead of minutes and
classifies a message in well under a millisecond, with no TensorFlow in memory.

- ``LinearIntentClassifier`` sets ``intent`` and ``intent_ranking`` like any Rasa
  intent classifier; the FallbackClassifier reads its probabilities.
- ``LinearResponseSelector`` picks the sub-question of a retrieval intent
  ("shipping_info/cost") and writes ``response_selector`` in the shape Rasa's
  ResponseSelector does, so ``utter_shipping_info`` and the transcripts work as before.
- A long message is also scored sentence by sentence, and the sentence that
  asks something decides its intent and sub-question (``rasa_addons.requests``).
- When the n-gram model is unsure of an English message (top probability under
  ``encoder_below``), the intent classifier, and the sub-question selector for a policy
  question, ask for a second opinion: a model (``encoder_model``: a logistic regression
  or an RBF support-vector machine) over the message's all-MiniLM-L6-v2 sentence
  embedding (``rasa_addons.sentence_encoder``), combined with the first as a weighted product.
  The embedding generalises past the training wording ("my parcel never came" is close
  to "where is my package"), but costs 10-25 ms of CPU a message, so only the one
  message in ten or so that needs it pays for it.

Both read the raw text (lower-cased), so no Rasa featurizer is needed for them.
The fitted models are stored with joblib in the model archive, which is trusted
like the rest of the model (it names the Python classes Rasa loads).
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path
from typing import Any, Dict, List, Optional, Pattern, Text

import joblib
import numpy as np
from scipy.sparse import hstack
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (ENTITIES, ENTITY_ATTRIBUTE_TYPE, ENTITY_ATTRIBUTE_VALUE, INTENT,
                                      INTENT_RANKING_KEY, INTENT_RESPONSE_KEY, TEXT)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.language_detection import detect_language
from rasa_addons.other_shops import mark, pattern
from rasa_addons.requests import pick, remember_second, two_requests
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC

logger = logging.getLogger(__name__)

MODEL_FILE = "linear_model.joblib"
SENTENCE_MODEL_FILE = "sentence_model.joblib"
RANKING_LENGTH = 10
# The sentence of a long message that the classifier read it by (not in the parse output).
REQUEST_TEXT = "request_text"
# The (text, sentence embedding) of the message's request, once the encoder was asked.
EMBEDDING = "request_embedding"

# Rasa warns when retrieval-intent examples exist and its own ResponseSelector is not
# in the pipeline; LinearResponseSelector is what consumes them here.
warnings.filterwarnings("ignore", message="You have defined training data with examples for training a response selector")


class TextModel:
    """Word and character TF-IDF n-grams side by side, and a logistic regression over them.

    sklearn's FeatureUnion would do the same, but dispatches through joblib on every
    call, which cost more than the classification itself at one message a call.
    For the same reason one message is scored by ``_score_one``, the same arithmetic
    (sublinear TF times IDF, L2 norm per vectorizer, softmax of the linear scores)
    on the message's few n-grams, without sklearn's per-call input checks.
    """

    def __init__(self, config: Dict[Text, Any], other_shops: Optional[Pattern[str]] = None) -> None:
        # Names of other shops, read as one placeholder word (rasa_addons.other_shops); None: off.
        self.other_shops = other_shops
        self.vectorizers = (
            TfidfVectorizer(analyzer="word", ngram_range=(1, int(config["word_max_ngram"])),
                            token_pattern=r"(?u)\b\w+\b", sublinear_tf=True, lowercase=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, int(config["char_max_ngram"])),
                            sublinear_tf=True, lowercase=True),
        )
        self.model = LogisticRegression(C=float(config["C"]), max_iter=int(config["max_iter"]),
                                        class_weight="balanced", random_state=int(config["random_seed"]))

    @property
    def classes_(self) -> Any:
        return self.model.classes_

    def _marked(self, texts: List[str]) -> List[str]:
        names = getattr(self, "other_shops", None)  # absent from models stored before it existed
        return [mark(t, names) for t in texts] if names is not None else texts

    def _features(self, texts: List[str], fit: bool = False) -> Any:
        texts = self._marked(texts)
        return hstack([v.fit_transform(texts) if fit else v.transform(texts) for v in self.vectorizers], format="csr")

    def fit(self, texts: List[str], labels: List[str]) -> "TextModel":
        self.model.fit(self._features(texts, fit=True), labels)
        return self

    def predict_proba(self, texts: List[str]) -> Any:
        if len(texts) == 1 and len(self.model.classes_) > 2:
            return self._score_one(texts[0])[np.newaxis, :]
        return self.model.predict_proba(self._features(texts))

    def _score_one(self, text: str) -> Any:
        if getattr(self, "_analyzers", None) is None:  # built on first use, not stored
            self._analyzers = [v.build_analyzer() for v in self.vectorizers]
            self._offsets = np.cumsum([0] + [len(v.vocabulary_) for v in self.vectorizers])[:-1]
            # scikit-learn's `idf_` is a property that sums a sparse matrix on every read
            self._idfs = [np.asarray(v.idf_) for v in self.vectorizers]
        text = self._marked([text])[0]
        scores = self.model.intercept_.copy()
        for vectorizer, analyze, offset, idf in zip(self.vectorizers, self._analyzers, self._offsets, self._idfs):
            counts = Counter(i for i in map(vectorizer.vocabulary_.get, analyze(text)) if i is not None)
            if not counts:
                continue
            columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))))
            weights *= idf[columns]
            weights /= np.sqrt(weights @ weights)
            scores += self.model.coef_[:, offset + columns] @ weights
        scores = np.exp(scores - scores.max())
        return scores / scores.sum()

    def __getstate__(self) -> Dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("_analyzers", "_offsets", "_idfs")}


def _second_model(config: Dict[Text, Any]) -> Any:
    """The unfitted model of the second opinion, over sentence embeddings."""
    kind, C, seed = config["encoder_model"], float(config["encoder_C"]), int(config["random_seed"])
    if kind == "svm":
        # probability=True fits five more models inside, for Platt scaling: slower to train,
        # but its probabilities, unlike a softmax of the margins, are calibrated enough for the fallback.
        return SVC(C=C, kernel="rbf", probability=True, class_weight="balanced", random_state=seed)
    if kind == "logistic":
        return LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=seed)
    raise ValueError(f"encoder_model must be 'logistic' or 'svm', not {kind!r}")


def _text(message: Message) -> str:
    return message.get(TEXT) or ""


class _LinearComponent(GraphComponent):
    """Training, storage, loading and prediction shared by the two components."""

    # The message property a training example is labelled by; each component sets it.
    LABEL: Text

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # encoder_below 0 turns the sentence encoder's second opinion off (and training embeds
        # nothing); encoder_model: "logistic" or "svm" (an RBF support-vector machine with
        # Platt-scaled probabilities), regularised by encoder_C; encoder_cache: an .npz file of
        # the training examples' embeddings, kept between trainings. other_shops: read the names of
        # other retailers and services as one word (rasa_addons.other_shops).
        return {"C": 30.0, "word_max_ngram": 2, "char_max_ngram": 4, "max_iter": 2000, "random_seed": 42,
                "encoder_below": 0.0, "encoder_weight": 0.4, "encoder_model": "logistic", "encoder_C": 10.0,
                "encoder_cache": None, "other_shops": False}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[TextModel] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model
        self._second: Optional[Any] = None  # the sentence model, when trained

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "_LinearComponent":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(self.LABEL) and e.get(TEXT)]
        texts, labels = [_text(e) for e in examples], [e.get(self.LABEL) for e in examples]
        if len(set(labels)) < 2:
            logger.info("%s: fewer than two labels in the training data; nothing to learn", type(self).__name__)
            return self._resource
        second = _second_model(self._config) if float(self._config["encoder_below"]) > 0 else None
        # The sentence model trains on the other core meanwhile: libsvm, scikit-learn's solvers and
        # numpy release the GIL, so the two fits take 25 s together instead of 40 s one after the other.
        with ThreadPoolExecutor(max_workers=1) as pool:
            more = pool.submit(self._fit_more, texts, labels, second)
            self._model = TextModel(self._config, self._other_shops(training_data)).fit(texts, labels)
            extra = more.result()
        if self._second is not None:
            assert list(self._second.classes_) == list(self._model.classes_)  # both: the sorted labels
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self._model, directory / MODEL_FILE)
            for name, fitted in extra.items():
                joblib.dump(fitted, directory / name)
        return self._resource

    def _other_shops(self, training_data: TrainingData) -> Optional[Pattern[str]]:
        """The names of other shops the n-gram model reads as one word, when `other_shops` is on:
        all of rasa_addons.other_shops less the brands the training data annotates (the shop's own)."""
        if not self._config["other_shops"]:
            return None
        brands = {str(found) for example in training_data.training_examples for entity in example.get(ENTITIES) or []
                  if entity.get(ENTITY_ATTRIBUTE_TYPE) == "brand"
                  for found in (entity.get(ENTITY_ATTRIBUTE_VALUE), example.get(TEXT, "")[entity["start"]:entity["end"]])
                  if found}
        return pattern(keep=brands)

    def _fit_more(self, texts: List[str], labels: List[str], second: Optional[Any]) -> Dict[str, Any]:
        """Models stored beside the n-gram model, by file name: `second`, the unfitted sentence model
        (built before, so a wrong encoder_model fails before anything is embedded), when asked for."""
        if second is None:
            return {}
        from rasa_addons.sentence_encoder import encode_cached, shared_encoder

        cache = self._config.get("encoder_cache")
        second.fit(encode_cached(shared_encoder(), texts, Path(cache) if cache else None), labels)
        self._second = second
        return {SENTENCE_MODEL_FILE: second}

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "_LinearComponent":
        extra: Dict[str, Any] = {}
        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(directory / MODEL_FILE)
                extra = {f.name: joblib.load(f) for f in directory.glob("*.joblib") if f.name != MODEL_FILE}
        except (ValueError, FileNotFoundError):
            logger.warning("%s: no stored model; it predicts nothing", cls.__name__)
            model = None
        component = cls(config, model_storage, resource, model)
        component._loaded_more(extra)
        return component

    def _loaded_more(self, extra: Dict[str, Any]) -> None:
        """Takes the models `_fit_more` stored."""
        self._second = extra.get(SENTENCE_MODEL_FILE)
        if self._second is not None and float(self._config["encoder_below"]) > 0:
            from rasa_addons.sentence_encoder import shared_encoder

            shared_encoder()  # the weights are read now, not on the first visitor's message

    def _second_opinion(self, message: Message, text: str, row: Any) -> Any:
        """`row` combined with the sentence model's probabilities when the n-gram model is
        unsure of an English message; `row` itself otherwise. The message keeps the
        embedding, so the two components embed it once."""
        if self._second is None or not text.strip() or row.max() >= float(self._config["encoder_below"]) \
                or detect_language(text) == "de":
            return row
        from rasa_addons.sentence_encoder import shared_encoder

        kept = message.get(EMBEDDING)
        if kept is None or kept[0] != text:
            kept = (text, shared_encoder().encode_one(text))
            message.set(EMBEDDING, kept)  # not in the parse output
        weight = float(self._config["encoder_weight"])
        second = self._second.predict_proba(kept[1][np.newaxis, :])[0]
        combined = np.power(row, 1.0 - weight) * np.power(second, weight)
        return combined / combined.sum()

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None or not messages:
            return messages
        for message, row in zip(messages, self._model.predict_proba([self._input(m) for m in messages])):
            self._annotate(message, row)
        return messages

    def _input(self, message: Message) -> str:
        """The text a message is classified by."""
        return message.get(REQUEST_TEXT) or _text(message)

    @cached_property
    def _labels(self) -> List[str]:
        assert self._model is not None
        return [str(label) for label in self._model.classes_]

    def _ranking(self, row: Any) -> List[Dict[Text, Any]]:
        labels = self._labels
        return [{"name": labels[i], "confidence": float(row[i])} for i in row.argsort()[::-1][:RANKING_LENGTH]]

    def _annotate(self, message: Message, row: Any) -> None:
        """Write the prediction into the message (``row``: a probability per label)."""
        raise NotImplementedError


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(_LinearComponent):
    """The message's intent and a ranking of the likeliest ten."""

    LABEL = INTENT

    def _annotate(self, message: Message, row: Any) -> None:
        text = _text(message)
        rows: Dict[str, Any] = {text: row}
        rankings: Dict[str, List[Dict[Text, Any]]] = {}

        def row_of(part: str) -> Any:  # each part of the message scored once
            if part not in rows:
                rows[part] = self._model.predict_proba([part])[0]
            return rows[part]

        def rank(part: str) -> List[Dict[Text, Any]]:
            if part not in rankings:
                rankings[part] = self._ranking(row_of(part))
            return rankings[part]

        def score(part: str) -> List[Any]:
            return [(r["name"], r["confidence"]) for r in rank(part)]

        request = text
        both = two_requests(text, score)
        if both is not None:
            request = both[0]
            remember_second(message.get("message_id"), both[1])
        else:
            picked = pick(text, score, score(text))
            if picked is not None:
                request = picked[0]
        if request != text:
            message.set(REQUEST_TEXT, request)
        ranking = self._ranking(self._second_opinion(message, request, row_of(request)))
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


RETRIEVAL_INTENTS = "all_retrieval_intents"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearResponseSelector(_LinearComponent):
    """The sub-question of a retrieval intent, written where Rasa's ResponseSelector writes it.

    One model serves every retrieval intent; its answer is written under each
    topic's own key (and under "default", for the topic the intent classifier
    chose), so ``utter_<intent>`` answers with the likeliest sub-question *of
    that intent*, from the domain.
    """

    LABEL = INTENT_RESPONSE_KEY

    @cached_property
    def _topics(self) -> Dict[str, List[int]]:
        """Each retrieval intent with the indices of its sub-questions' labels."""
        topics: Dict[str, List[int]] = {}
        for index, label in enumerate(self._labels):
            topics.setdefault(label.split("/", 1)[0], []).append(index)
        return dict(sorted(topics.items()))

    def _annotate(self, message: Message, row: Any) -> None:
        """Rasa answers `utter_<topic>` with the sub-question stored under `<topic>` in
        `response_selector` (else under "default"), so each topic gets its own likeliest
        sub-question: a shipping question never gets a payment answer because a payment
        sub-question scored higher overall. "default" holds the topic the classifier chose.
        """
        chosen = (message.get(INTENT) or {}).get("name")
        if chosen in self._topics:  # a policy question: the sub-question is worth a second opinion
            row = self._second_opinion(message, self._input(message), row)
        selector: Dict[Text, Any] = {RETRIEVAL_INTENTS: list(self._topics)}
        for topic, indices in self._topics.items():
            selector[topic] = self._selected(row, indices)
        selector["default"] = selector.get(chosen) or self._selected(row, range(len(self._labels)))
        message.set("response_selector", selector, add_to_output=True)

    def _selected(self, row: Any, indices: Any) -> Dict[Text, Any]:
        """The likeliest of the labels at `indices`, as Rasa's ResponseSelector writes a selection."""
        total = float(sum(row[i] for i in indices)) or 1.0
        ranked = sorted(indices, key=lambda i: row[i], reverse=True)[:RANKING_LENGTH]
        ranking = [{"confidence": float(row[i]) / total, INTENT_RESPONSE_KEY: self._labels[i]} for i in ranked]
        best = ranking[0]
        return {
            "response": {
                "responses": None,  # the answer's text comes from the domain, by utter_action
                "confidence": best["confidence"],
                INTENT_RESPONSE_KEY: best[INTENT_RESPONSE_KEY],
                "utter_action": f"utter_{best[INTENT_RESPONSE_KEY]}",
            },
            "ranking": ranking,
        }
