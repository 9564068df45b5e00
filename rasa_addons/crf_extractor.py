"""Rasa's CRF entity extractor, stored trained instead of trained again on every load.

Why: Rasa 3.6's `CRFEntityExtractor` stores its training set, not the CRFs it
trained (`crf_dataset.json`), and `load` trains them again from it. On this
project's data that training is most of the time the Rasa server takes to start
(27 of 30 s to load the model on a busy 2-core VM, 2026-12-04; issue #16), and
every `rasa test`, worker and replica pays it again.

What: `StoredCRFEntityExtractor` trains exactly as the stock one does and also
stores each trained CRF's own model file (`crf_<n>.crfsuite`, the binary format
crfsuite itself writes and reads; no pickle), with the list of tags they are for.
`load` opens those files in memory; a model stored without them (trained by the
stock class) is trained again from the dataset the stock way. The trained CRFs are
deterministic (L-BFGS from zeros), so a stored one tags exactly as the one the
stock `load` would train (checked by tests/rasa_addons/test_crf_extractor.py).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor, CRFToken

logger = logging.getLogger(__name__)

_TAGS_FILE = "crf_stored_tags.json"


def _model_file(index: int) -> Text:
    return f"crf_{index}.crfsuite"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class StoredCRFEntityExtractor(CRFEntityExtractor):
    """`CRFEntityExtractor` whose trained CRFs are stored with the model and loaded as they are."""

    def persist(self, dataset: List[List[CRFToken]]) -> None:
        """The stock files, and each trained CRF's model file."""
        super().persist(dataset)
        with self._model_storage.write_to(self._resource) as model_dir:
            tags = list(self.entity_taggers or {})
            for index, tag in enumerate(tags):
                source = self.entity_taggers[tag].modelfile.name
                (model_dir / _model_file(index)).write_bytes(Path(source).read_bytes())
            rasa.shared.utils.io.dump_obj_as_json_to_file(model_dir / _TAGS_FILE, tags)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CRFEntityExtractor:
        """The stored CRFs; trained again from the stored dataset only for a model without them."""
        try:
            with model_storage.read_from(resource) as model_dir:
                taggers = cls._stored_taggers(model_dir, config)
                if taggers is None:
                    logger.debug(f"No stored CRFs in '{resource.name}': training them from the dataset.")
                    return super().load(config, model_storage, resource, execution_context, **kwargs)
                extractor = cls(config, model_storage, resource, taggers)
                extractor.crf_order = rasa.shared.utils.io.read_json_file(model_dir / "crf_order.json")
                return extractor
        except ValueError:  # no resource at all: the stock answer (an untrained extractor)
            return super().load(config, model_storage, resource, execution_context, **kwargs)

    @staticmethod
    def _stored_taggers(model_dir: Path, config: Dict[Text, Any]) -> Optional["OrderedDict[Text, Any]"]:
        import pycrfsuite
        import sklearn_crfsuite

        tags_file = model_dir / _TAGS_FILE
        if not tags_file.exists():
            return None
        taggers: "OrderedDict[Text, Any]" = OrderedDict()
        for index, tag in enumerate(rasa.shared.utils.io.read_json_file(tags_file)):
            crf = sklearn_crfsuite.CRF(
                algorithm="lbfgs", c1=config["L1_c"], c2=config["L2_c"],
                max_iterations=config["max_iterations"], all_possible_transitions=True,
            )
            model = (model_dir / _model_file(index)).read_bytes()
            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(model)
            # crfsuite reads the model where it lies: the bytes must live as long as the tagger
            crf._stored_model = model
            crf._tagger = tagger  # what `CRF.tagger_` opens from its model file after `fit`
            taggers[tag] = crf
        return taggers
