"""Checks of rasa_addons.graph_runner that need Rasa: run with .venv-rasa's Python.

Loads the trained model (argv[1]) twice, with Rasa's DaskGraphRunner and with
SequentialGraphRunner, and runs the NLU graph and the policy graph of both on
the same messages and trackers, the way Rasa's message processor calls them.
Prints one JSON object: the differences found, and what was compared.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import rasa_addons  # noqa: E402,F401  (installs the runner in the processor)
import rasa.core.processor  # noqa: E402
from rasa.engine import loader  # noqa: E402
from rasa.engine.runner.dask import DaskGraphRunner  # noqa: E402
from rasa.engine.storage.local_model_storage import LocalModelStorage  # noqa: E402
from rasa.shared.core.constants import ACTION_LISTEN_NAME  # noqa: E402
from rasa.shared.core.events import ActionExecuted, UserUttered  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402
from rasa.core.channels.channel import UserMessage  # noqa: E402

from rasa_addons.graph_runner import SequentialGraphRunner  # noqa: E402

MESSAGES = [
    "hi", "do you have any red running shoes under $120?", "where is my order", "100001", "emma@example.com",
    "can I pay in instalments?", "what is your return policy", "asdfgh qwerty", "thanks, bye",
    "I want to talk to a human", "how much is the first one?", "cancel my order", "",
]


def load(runner_class, directory: str):
    return loader.load_predict_graph_runner(Path(directory), Path(sys.argv[1]), LocalModelStorage, runner_class)


def parse(runner, metadata, text: str) -> dict:
    tracker = DialogueStateTracker.from_events("check", [ActionExecuted(ACTION_LISTEN_NAME)], metadata.domain.slots)
    out = runner.run(inputs={"__message__": [UserMessage(text)], "__tracker__": tracker},
                     targets=[metadata.nlu_target])
    message = out[metadata.nlu_target][0]
    return {key: message.get(key) for key in ("intent", "entities", "intent_ranking", "response_selector")}


def predict(runner, metadata, domain, parsed: dict, text: str) -> dict:
    tracker = DialogueStateTracker.from_events("check", [ActionExecuted(ACTION_LISTEN_NAME)], domain.slots)
    tracker.update(UserUttered(text, parsed["intent"], parsed["entities"] or []), domain)
    out = runner.run(inputs={"__tracker__": tracker}, targets=[metadata.core_target])
    prediction = out[metadata.core_target]
    return {"probabilities": [round(p, 9) for p in prediction.probabilities], "policy": prediction.policy_name}


def rule_keys_check(runner, metadata) -> dict:
    """A conversation driven by the model's own predictions; at every prediction, RulePolicy's
    matching rules by rasa_addons.rule_matching and by Rasa's original method."""
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy

    policy = next(node._component for node in runner._instantiated_nodes.values()
                  if isinstance(getattr(node, "_component", None), RulePolicy))
    original = getattr(RulePolicy, "_shop_original_get_possible_keys")
    domain = metadata.domain
    tracker = DialogueStateTracker.from_events("rules", [ActionExecuted(ACTION_LISTEN_NAME)], domain.slots)
    checked, different, matched = 0, [], 0
    for text in MESSAGES * 3:  # a long conversation: states reach far past the longest rule
        parsed = parse(runner, metadata, text)
        tracker.update(UserUttered(text, parsed["intent"], parsed["entities"] or []), domain)
        for _ in range(4):
            for use_text in (True, False):
                states = policy._prediction_states(tracker, domain, use_text, rule_only_data=policy._get_rule_only_data())
                for table in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH):
                    ours, theirs = policy._get_possible_keys(policy.lookup[table], states), original(
                        policy, policy.lookup[table], states)
                    checked += 1
                    matched += bool(ours)
                    if ours != theirs:
                        different.append(f"{text!r} {table} use_text={use_text}")
            prediction = runner.run(inputs={"__tracker__": tracker}, targets=[metadata.core_target])[metadata.core_target]
            action = domain.action_names_or_texts[prediction.probabilities.index(max(prediction.probabilities))]
            tracker.update(ActionExecuted(action, policy=prediction.policy_name), domain)
            if action == ACTION_LISTEN_NAME:
                break
        else:
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME), domain)
    return {"checked": checked, "different": different[:10], "matched": matched, "events": len(tracker.events)}


def main() -> dict:
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        metadata, dask_runner = load(DaskGraphRunner, a)
        _, ours = load(SequentialGraphRunner, b)
        differences, compared = [], 0
        for text in MESSAGES:
            p1, p2 = parse(dask_runner, metadata, text), parse(ours, metadata, text)
            if json.dumps(p1, sort_keys=True, default=str) != json.dumps(p2, sort_keys=True, default=str):
                differences.append(f"parse {text!r}")
            if predict(dask_runner, metadata, metadata.domain, p1, text) != predict(ours, metadata, metadata.domain, p2, text):
                differences.append(f"predict {text!r}")
            compared += 1
        rules = rule_keys_check(ours, metadata)
    return {
        "rules": rules,
        "installed": rasa.core.processor.DaskGraphRunner is SequentialGraphRunner,
        "compared": compared,
        "differences": differences,
        "intents": [parse(ours, metadata, text)["intent"]["name"] for text in MESSAGES[:3]],
    }


if __name__ == "__main__":
    print(json.dumps(main()))
