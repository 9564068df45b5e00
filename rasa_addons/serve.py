"""`rasa run` without TensorFlow, when no component of the model needs it.

    python -m rasa_addons.serve run --model models/shop.tar.gz --enable-api ...

takes the arguments of `rasa`. Rasa 3.6 imports TensorFlow on every start, whatever
the model: the base modules of its policies and entity extractors import its training
utilities, which define Keras classes at import time. In the server that costs about
480 MB of resident memory (measured: 756 MB loaded with it, 263 MB without) and
seconds of start-up, and nothing of it ever runs when every component of the model's
prediction graph is one of ``TENSORFLOW_FREE``, as in this project's config.yml.

So, before Rasa is imported, ``tensorflow`` and its companion packages are registered
as stand-in modules: any attribute is a stand-in class (enough for a base class, an
annotation or ``isinstance``), and *calling* anything raises
``TensorFlowLeftOut``, so a code path that would need TensorFlow fails loudly instead
of computing something wrong. A model with any other component (DIET, TED, a
ResponseSelector, a language-model featurizer, or a custom component we have not
checked) gets the real TensorFlow, as does every run when ``SHOP_RASA_TENSORFLOW=1``.
Training (`rasa train`) and `rasa test` never go through here.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import os
import sys
import tarfile
import types
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

# Every graph node of a prediction schema that runs without TensorFlow: the components
# of config.yml and the nodes Rasa adds around them. Anything else keeps TensorFlow.
TENSORFLOW_FREE = frozenset({
    "rasa.graph_components.converters.nlu_message_converter.NLUMessageConverter",
    "rasa.graph_components.providers.domain_provider.DomainProvider",
    "rasa.graph_components.providers.rule_only_provider.RuleOnlyDataProvider",
    "rasa.nlu.tokenizers.whitespace_tokenizer.WhitespaceTokenizer",
    "rasa.nlu.featurizers.sparse_featurizer.regex_featurizer.RegexFeaturizer",
    "rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer.CountVectorsFeaturizer",
    "rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer.LexicalSyntacticFeaturizer",
    "rasa.nlu.extractors.crf_entity_extractor.CRFEntityExtractor",
    "rasa.nlu.extractors.regex_entity_extractor.RegexEntityExtractor",
    "rasa.nlu.extractors.entity_synonyms.EntitySynonymMapper",
    "rasa.nlu.classifiers.fallback_classifier.FallbackClassifier",
    "rasa.nlu.classifiers.regex_message_handler.RegexMessageHandler",
    "rasa.nlu.classifiers.logistic_regression_classifier.LogisticRegressionClassifier",
    "rasa.core.policies.memoization.MemoizationPolicy",
    "rasa.core.policies.memoization.AugmentedMemoizationPolicy",
    "rasa.core.policies.rule_policy.RulePolicy",
    "rasa.core.policies.ensemble.DefaultPolicyPredictionEnsemble",
    "rasa_addons.linear_nlu.LinearIntentClassifier",
    "rasa_addons.linear_nlu.LinearResponseSelector",
    "rasa_addons.crf_extractor.StoredCRFEntityExtractor",
    "rasa_addons.language.LanguageDetector",
    "rasa_addons.unfamiliar_words.UnfamiliarWordsGate",
})
# The packages Rasa 3.6 imports for its TensorFlow components.
LEFT_OUT = ("tensorflow", "tensorflow_addons", "tensorflow_hub", "tensorflow_text", "tensorflow_probability",
            "keras")
FORCE_VARIABLE = "SHOP_RASA_TENSORFLOW"
MODULE = "rasa_addons.serve"


class TensorFlowLeftOut(RuntimeError):
    """Something called TensorFlow in a server started without it."""


def _left_out(what: str) -> TensorFlowLeftOut:
    return TensorFlowLeftOut(
        f"{what} was called, but this Rasa server runs without TensorFlow because no component of its model "
        f"needs it (rasa_addons/serve.py); start it with {FORCE_VARIABLE}=1 to load TensorFlow")


class _StandInType(type):
    """The class of stand-ins: any attribute is another stand-in; a call is refused."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _stand_in(f"{cls.__qualname__}.{name}")

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        # Also a class Rasa derived from a stand-in (a Keras layer or model): it needs TensorFlow too.
        raise _left_out(cls.__qualname__)

    def __getitem__(cls, item: Any) -> Any:
        return cls  # tf.Tensor[...] style annotations


def _stand_in(qualname: str) -> type:
    cls = _StandInType(qualname.rsplit(".", 1)[-1], (), {"__module__": "tensorflow"})
    cls.__qualname__ = qualname
    return cls


class _StandInModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _stand_in(f"{self.__name__}.{name}")


class _LeftOutFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds a stand-in module for every name under ``LEFT_OUT``."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname.split(".", 1)[0] not in LEFT_OUT:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _StandInModule(spec.name)
        module.__path__ = []
        module.__version__ = "0+left.out"
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: every attribute is made on first use."""


def leave_out_tensorflow() -> None:
    """Make ``import tensorflow`` (and ``LEFT_OUT``) give stand-ins in this process from now on."""
    if any(name.split(".", 1)[0] in LEFT_OUT for name in sys.modules):
        raise RuntimeError("TensorFlow is already imported: leave it out before importing Rasa")
    sys.meta_path.insert(0, _LeftOutFinder())


def model_archive(argv: Sequence[str]) -> Path | None:
    """The archive `rasa run` would load for ``argv`` (``--model`` / ``-m``: a file, or the newest in a folder)."""
    path = Path("models")
    for i, arg in enumerate(argv):
        if arg in ("--model", "-m") and i + 1 < len(argv):
            path = Path(argv[i + 1])
        elif arg.startswith("--model="):
            path = Path(arg.split("=", 1)[1])
    if path.is_dir():
        archives = sorted(path.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        return archives[-1] if archives else None
    return path if path.is_file() else None


def prediction_components(archive: Path) -> set[str]:
    """The classes of every node of the archive's prediction graph (its metadata.json)."""
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile("metadata.json")
        if member is None:
            raise ValueError(f"{archive} has no metadata.json")
        metadata = json.load(member)
    return {str(node["uses"]) for node in metadata["predict_schema"]["nodes"].values()}


def needs_tensorflow(components: Iterable[str]) -> set[str]:
    """The components of ``components`` not known to run without TensorFlow (empty: it can be left out)."""
    return set(components) - TENSORFLOW_FREE


def decide(argv: Sequence[str], environ: dict[str, str]) -> str | None:
    """Why TensorFlow must be loaded for ``rasa argv``, or None when it can be left out."""
    if environ.get(FORCE_VARIABLE, "").strip() not in ("", "0"):
        return f"{FORCE_VARIABLE} is set"
    if not argv or argv[0] != "run":
        return "only `rasa run` serves a model"
    archive = model_archive(argv)
    if archive is None:
        return "no model archive found (Rasa will say why)"
    try:
        others = needs_tensorflow(prediction_components(archive))
    except (OSError, KeyError, ValueError, tarfile.TarError) as exc:
        return f"the model's metadata could not be read ({exc})"
    return f"the model has components that may need it: {', '.join(sorted(others))}" if others else None


_decision: list[str | None] = []  # the one decision of this process, made by prepare()


def served_arguments() -> list[str] | None:
    """The arguments after ``-m rasa_addons.serve`` in this process's command line; None when not run so."""
    argv = list(getattr(sys, "orig_argv", ()))
    for i in range(len(argv) - 1):
        if argv[i] == "-m" and argv[i + 1] == MODULE:
            return argv[i + 2:]
    return None


def prepare() -> str | None:
    """Leave TensorFlow out of this process if it runs ``-m rasa_addons.serve`` and the model allows; why not, if not.

    The package's ``__init__`` calls it before it imports Rasa (``python -m`` imports the
    package before it runs this module), so it is decided once, from the command line.
    """
    if not _decision:
        argv = served_arguments()
        reason = "not started as `python -m rasa_addons.serve`" if argv is None else decide(argv, dict(os.environ))
        if reason is None:
            leave_out_tensorflow()
        _decision.append(reason)
    return _decision[0]


def main() -> None:
    """Run Rasa's command line with this process's arguments, TensorFlow left out when the model allows it."""
    from rasa_addons import serve  # the package's copy of this module, which made the decision

    reason = serve.prepare()
    if reason is None:
        print("rasa_addons.serve: TensorFlow left out: no component of the model needs it", file=sys.stderr)
    else:
        print(f"rasa_addons.serve: loading TensorFlow: {reason}", file=sys.stderr)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
