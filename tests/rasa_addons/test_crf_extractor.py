"""rasa_addons.crf_extractor: the stored CRFs load without training and tag exactly as retrained ones.

Runs in .venv-rasa: the extractor is a Rasa graph component. It is trained on a
small shop data set, loaded the stored way (with training made impossible) and
the stock way (trained again from the dataset, as Rasa 3.6 does), and both tag
held-out messages: the entities and their confidences must be the same.
"""

from __future__ import annotations

import pytest

from tests.rasa_addons.rasa_env import run_in_rasa

SCRIPT = r"""
import json, tempfile
from pathlib import Path
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import LexicalSyntacticFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.message import Message
from rasa_addons.crf_extractor import StoredCRFEntityExtractor

DATA = '''
version: "3.1"
nlu:
- intent: product_search
  examples: |
    - do you have [red](color) [nike](brand) [sneakers](category)
    - show me [blue](color) [jackets](category) in size [M](size)
    - any [adidas](brand) [hoodies](category) [under $50](price)?
    - i want [black](color) [boots](category) size [42](size)
    - [puma](brand) [t-shirts](category) please
    - looking for a [green](color) [backpack](category)
    - got [white](color) [running shoes](category) [below 80 dollars](price)
    - [grey](color) [nike](brand) [hoodie](category) size [L](size)
    - cheap [jeans](category) in [32](size)
    - [red](color) [dress](category) [under 40](price)
- intent: greet
  examples: |
    - hello there
    - hi
    - good morning
'''
PROBES = ["any red adidas jackets under $60", "black nike sneakers size 44", "hi there", "blue hoodie L",
          "do you have green boots below 100 dollars", "puma", "jeans"]

data = RasaYAMLReader().reads(DATA)
tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
tokenizer.process_training_data(data)
config = {**CRFEntityExtractor.get_default_config(), "L1_c": 0.01, "L2_c": 0.01, "max_iterations": 50}
storage = LocalModelStorage(Path(tempfile.mkdtemp()))
context = ExecutionContext(GraphSchema({}), "test")
resource = Resource("crf")
# the CRF learns only from messages with features (RegexFeaturizer's in config.yml)
featurizer = LexicalSyntacticFeaturizer.create(LexicalSyntacticFeaturizer.get_default_config(), storage,
                                               Resource("lexical"), context)
featurizer.train(data)
featurizer.process_training_data(data)
StoredCRFEntityExtractor.create(config, storage, resource, context).train(data)

def tag(extractor):
    messages = [Message.build(text) for text in PROBES]
    tokenizer.process(messages)
    featurizer.process(messages)
    extractor.process(messages)
    return [[(e["entity"], e["value"], round(e.get("confidence_entity", 0), 9)) for e in m.get("entities", [])]
            for m in messages]

retrained = tag(StoredCRFEntityExtractor.__mro__[1].load(config, storage, resource, context))
trainings = []
original_train = StoredCRFEntityExtractor.train_model.__func__
def counting_train(cls, *args, **kwargs):
    trainings.append(1)
    return original_train(cls, *args, **kwargs)
StoredCRFEntityExtractor.train_model = classmethod(counting_train)
loaded = StoredCRFEntityExtractor.load(config, storage, resource, context)
import gc
gc.collect()
litter = [bytes([i % 251]) * 4096 for i in range(20000)]  # reuse any memory the model was read into
stored = tag(loaded)
stock_files = sorted(p.name for p in Path(storage._storage_path / resource.name).iterdir())
# a model trained by the stock class (no stored CRFs) still loads, by training again
stock_resource = Resource("stock-crf")
CRFEntityExtractor.create(config, storage, stock_resource, context).train(data)
from_stock = tag(StoredCRFEntityExtractor.load(config, storage, stock_resource, context))
print(json.dumps({"retrained": retrained, "stored": stored, "trainings": len(trainings), "files": stock_files,
                  "from_stock": from_stock}))
"""


@pytest.fixture(scope="module")
def outcome() -> dict:
    return run_in_rasa("-c", SCRIPT)


def test_loading_the_stored_crfs_trains_nothing(outcome):
    assert outcome["trainings"] == 1  # only the stock-class model below, loaded from its dataset
    assert {"crf_0.crfsuite", "crf_stored_tags.json", "crf_dataset.json", "crf_order.json"} <= set(outcome["files"])


def test_stored_crfs_tag_as_the_retrained_ones(outcome):
    assert outcome["stored"] == outcome["retrained"]
    found = {(entity, value) for message in outcome["stored"] for entity, value, _ in message}
    assert {("color", "red"), ("brand", "nike"), ("category", "hoodie")} & found  # it learned something


def test_a_model_trained_by_the_stock_class_still_loads(outcome):
    assert outcome["from_stock"] == outcome["retrained"]
