"""Checks of rasa_addons.linear_nlu that need Rasa: run with .venv-rasa's Python.

    .venv-rasa/bin/python tests/rasa_addons/linear_nlu_side.py /tmp/some-empty-dir

Trains both components on a small data set in a real LocalModelStorage, loads
them back as `rasa run` would, parses a few messages with the trained and the
loaded copies and prints one JSON object; test_linear_nlu.py asserts on it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rasa.engine.graph import ExecutionContext, GraphSchema  # noqa: E402
from rasa.engine.storage.local_model_storage import LocalModelStorage  # noqa: E402
from rasa.engine.storage.resource import Resource  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402
from rasa.shared.nlu.training_data.training_data import TrainingData  # noqa: E402

from rasa_addons.linear_nlu import LinearIntentClassifier, LinearResponseSelector  # noqa: E402

EXAMPLES = {
    "greet": ["hi", "hello", "hey there", "good morning", "hiya"],
    "order_status": ["where is my order", "wheres my parcel", "track my order", "has my order shipped", "order status"],
    "shipping_info/cost": ["how much is shipping", "delivery cost", "what does postage cost", "shipping fee?", "is shipping free"],
    "shipping_info/countries": ["do you ship to canada", "deliver to france?", "which countries do you ship to",
                                "can you send it to spain", "international delivery"],
    "payment_info/paypal": ["can I pay with paypal", "do you take paypal", "paypal accepted?", "pay by paypal",
                            "is paypal an option"],
}


def training_data() -> TrainingData:
    messages = []
    for label, texts in EXAMPLES.items():
        intent, _, sub = label.partition("/")
        for text in texts:
            data = {"text": text, "intent": intent}
            if sub:
                data["intent_response_key"] = label
            messages.append(Message(data=data))
    return TrainingData(messages)


def parse(components, texts):
    messages = [Message(data={"text": t}) for t in texts]
    for component in components:
        component.process(messages)
    return [m.as_dict_nlu() for m in messages]


def main(directory: str) -> None:
    Path(directory).mkdir(parents=True, exist_ok=True)
    storage = LocalModelStorage(Path(directory))
    context = ExecutionContext(GraphSchema({}), "test")
    config = {"C": 30.0}
    texts = ["hello!", "wher is my oder", "how much does shipping cost", "ship to canda?", ""]
    classes = (LinearIntentClassifier, LinearResponseSelector)
    trained, loaded = [], []
    for cls in classes:
        resource = Resource(cls.__name__)
        component = cls.create({**cls.get_default_config(), **config}, storage, resource, context)
        component.train(training_data())
        trained.append(component)
        loaded.append(cls.load({**cls.get_default_config(), **config}, storage, resource, context))
    # One message is scored without sklearn's per-call checks: the same numbers as sklearn's.
    model = loaded[0]._model
    batch = model.model.predict_proba(model._features(texts))
    single = [model.predict_proba([t])[0] for t in texts]
    difference = max(float(abs(b - s).max()) for b, s in zip(batch, single))
    # A message the classifier put under shipping, though its words are about paying:
    # the answer must still be a shipping one.
    odd = Message(data={"text": "can I pay with paypal", "intent": {"name": "shipping_info", "confidence": 0.5}})
    loaded[1].process([odd])
    print(json.dumps({"trained": parse(trained, texts), "loaded": parse(loaded, texts),
                      "single_vs_sklearn": difference, "topic_kept": odd.get("response_selector"),
                      "second_opinion": second_opinion(storage, context),
                      "svm": svm_second_opinion(storage, context),
                      "other_shops": other_shops(storage, context)}, default=str))


def svm_second_opinion(storage, context) -> dict:
    """The second opinion from a support-vector machine (encoder_model: svm), stored and loaded."""
    config = {**LinearIntentClassifier.get_default_config(), "C": 30.0, "encoder_below": 0.8, "encoder_model": "svm"}
    resource = Resource("with_svm")
    trained = LinearIntentClassifier.create(config, storage, resource, context)
    trained.train(training_data())
    loaded = LinearIntentClassifier.load(config, storage, resource, context)
    try:
        LinearIntentClassifier.create({**config, "encoder_model": "forest"}, storage, Resource("bad"),
                                      context).train(training_data())
        refused = None
    except ValueError as error:
        refused = str(error)
    return {"trained": parse([trained], SECOND_OPINION_TEXTS), "loaded": parse([loaded], SECOND_OPINION_TEXTS),
            "model": type(loaded._second).__name__, "refused": refused}


OTHER_SHOP_EXAMPLES = ["where is my amazon order", "my zalando parcel is late", "has my ebay package shipped",
                       "is my asos delivery on its way", "track my ikea order", "help me with my homework",
                       "what is the weather", "tell me a joke", "book me a taxi", "where is my Decathlon order"]
OTHER_SHOP_TEXTS = ["where is my shein order", "where is my order", "has my parcel shipped", "where is my decathlon parcel"]


def other_shops(storage, context) -> dict:
    """The intent classifier reading other shops' names as one word (other_shops: true), stored and
    loaded, beside the same classifier without it; a name annotated as a brand is the shop's own."""
    messages = training_data().training_examples
    for text in OTHER_SHOP_EXAMPLES:
        entities = [{"entity": "brand", "value": "Decathlon", "start": 12, "end": 21}] if "Decathlon" in text else []
        intent = "order_status" if "Decathlon" in text else "out_of_scope"
        messages.append(Message(data={"text": text, "intent": intent, "entities": entities}))
    data = TrainingData(messages)
    parsed = {}
    for on in (True, False):
        config = {**LinearIntentClassifier.get_default_config(), "C": 30.0, "other_shops": on}
        resource = Resource(f"other_shops_{on}")
        LinearIntentClassifier.create(config, storage, resource, context).train(data)
        loaded = LinearIntentClassifier.load(config, storage, resource, context)
        parsed[str(on).lower()] = parse([loaded], OTHER_SHOP_TEXTS)
    return parsed


SECOND_OPINION_TEXTS = ["hello!", "nothing has arrived yet", "howdy", "wo ist mein paket geblieben", "where is my order"]


def second_opinion(storage, context) -> dict:
    """The intent classifier with the sentence encoder's second opinion on unsure messages:
    which messages it was asked about, and what the n-gram model alone said of them."""
    from rasa_addons import sentence_encoder

    config = {**LinearIntentClassifier.get_default_config(), "C": 30.0, "encoder_below": 0.8}
    resource = Resource("with_encoder")
    trained = LinearIntentClassifier.create(config, storage, resource, context)
    trained.train(training_data())
    loaded = LinearIntentClassifier.load(config, storage, resource, context)
    encoder = sentence_encoder.shared_encoder()
    asked: list = []
    encode_one = encoder.encode_one
    encoder.encode_one = lambda text: asked.append(text) or encode_one(text)
    parsed = parse([loaded], SECOND_OPINION_TEXTS)
    encoder.encode_one = encode_one
    alone = {t: float(loaded._model.predict_proba([t])[0].max()) for t in SECOND_OPINION_TEXTS}
    off = LinearIntentClassifier.load({**config, "encoder_below": 0.0}, storage, resource, context)
    # The sub-question selector with the same second opinion, after the intent classifier.
    selector_config = {**LinearResponseSelector.get_default_config(), "C": 30.0, "encoder_below": 0.99}
    selector_resource = Resource("selector_with_encoder")
    LinearResponseSelector.create(selector_config, storage, selector_resource, context).train(training_data())
    selector = LinearResponseSelector.load(selector_config, storage, selector_resource, context)
    both_asked: list = []
    encoder.encode_one = lambda text: both_asked.append(text) or encode_one(text)
    pair = parse([loaded, selector], POLICY_TEXTS)
    encoder.encode_one = encode_one
    return {"trained": parse([trained], SECOND_OPINION_TEXTS), "loaded": parsed, "asked": asked,
            "ngram_top": alone, "off": parse([off], SECOND_OPINION_TEXTS),
            "selector_asked": both_asked, "selector_top": {t: float(selector._model.predict_proba([t])[0].max())
                                                           for t in POLICY_TEXTS},
            "pair": pair}


# A policy question the intent classifier is sure of, one it is unsure of, and a greeting.
POLICY_TEXTS = ["how much is shipping", "is it expensive to send a parcel to lisbon", "hello!"]


if __name__ == "__main__":
    main(sys.argv[1])
