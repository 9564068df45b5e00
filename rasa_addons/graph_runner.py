"""Run Rasa's prediction graphs node after node, without dask's scheduler.

Why: Rasa 3.6 runs the NLU graph once and the policy graph once per
predicted action for every message (three or four graph runs), each through
`DaskGraphRunner.run`: it works out the needed nodes again, builds a dask
graph and hands it to dask's local scheduler, which orders and dispatches
the tasks. The graphs are small, fixed chains, so all that bookkeeping was
about 9% of the Rasa server's CPU under load (py-spy, issue #16).

What: `SequentialGraphRunner` keeps Rasa's nodes, inputs, results and errors,
and runs the nodes of the minimal graph for the requested targets in an
order (computed once per set of targets) where each node comes after the
nodes it needs, calling each node exactly as dask does: with the
`(name, output)` of each node it needs, or the bare name of a need that no
node provides. Training keeps Rasa's dask runner; `install()` makes the
message processor load models with this one.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

import rasa.core.processor
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

_Plan = List[Tuple[Text, Tuple[Text, ...]]]


class SequentialGraphRunner(DaskGraphRunner):
    """`DaskGraphRunner` with the same results, nodes run in a precomputed order."""

    def _plan(self, targets: Tuple[Text, ...]) -> _Plan:
        """The needed nodes, each after its needs, with the names of its needs."""
        plans: Dict[Tuple[Text, ...], _Plan] = self.__dict__.setdefault("_plans", {})
        plan = plans.get(targets)
        if plan is None:
            nodes = self._graph_schema.minimal_graph_schema(list(targets)).nodes
            plan, placed = [], set()

            def place(name: Text, path: Tuple[Text, ...] = ()) -> None:
                if name in placed or name not in nodes:
                    return
                if name in path:
                    raise GraphRunError(f"The graph has a cycle through '{name}'.")
                for need in nodes[name].needs.values():
                    place(need, path + (name,))
                placed.add(name)
                plan.append((name, tuple(nodes[name].needs.values())))

            for target in targets:
                place(target)
            plans[targets] = plan
        return plan

    def run(
        self,
        inputs: Optional[Dict[Text, Any]] = None,
        targets: Optional[List[Text]] = None,
    ) -> Dict[Text, Any]:
        """Runs the graph (see `GraphRunner.run`)."""
        run_targets = tuple(targets if targets else self._graph_schema.target_names)
        plan = self._plan(run_targets)
        results: Dict[Text, Any] = {}
        for input_name, input_value in (inputs or {}).items():
            if isinstance(input_value, str) and input_value in self._instantiated_nodes:
                raise GraphRunError(
                    f"Input value '{input_value}' clashes with a node name. Make sure "
                    f"that none of the input names passed to the `run` method are the "
                    f"same as node names in the graph schema."
                )
            results[input_name] = (input_name, input_value)
        try:
            for name, needs in plan:
                results[name] = self._instantiated_nodes[name](*(results.get(need, need) for need in needs))
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e
        return dict(results[target] for target in run_targets)


def install() -> None:
    """Make Rasa's message processor load models with `SequentialGraphRunner` (idempotent)."""
    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner  # type: ignore[attr-defined,misc]
