"""The report of an experiment: counts per arm, each arm against the control, and whether a winner may be called."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from bot.experiments.errors import ExperimentConflict
from bot.experiments.metrics import METRICS, arm_counts
from bot.experiments.service import comparisons, get_experiment, planned_per_arm
from bot.experiments.stats import compare
from bot.models import Experiment, ExperimentStatus
from bot.staff.clock import aware


@dataclass(frozen=True, slots=True)
class ArmReport:
    position: int
    name: str
    text: str
    weight: int
    exposed: int
    n: int
    successes: int
    rate: float
    # Against the control (None for the control itself).
    difference: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    z: float | None = None
    p_value: float | None = None
    significant: bool | None = None


@dataclass(frozen=True, slots=True)
class Report:
    experiment_id: int
    metric: str
    metric_label: str
    metric_counts: str
    as_of: str  # ISO time of the data the report reads
    planned_per_arm: int
    alpha_per_comparison: float
    confidence: float
    arms: list[ArmReport]
    reached_plan: bool
    verdict: str  # "too_early", "winner", "no_difference"
    winner: str | None
    summary: str


def _verdict(arms: list[ArmReport], planned: int) -> tuple[bool, str, str | None, str]:
    smallest = min(a.n for a in arms)
    if smallest < planned:
        return (False, "too_early", None,
                f"No winner yet: every arm needs {planned} counted conversations before the test is read "
                f"(the smallest has {smallest}). Looking earlier and stopping at the first significant "
                "result inflates false winners.")
    significant = [a for a in arms[1:] if a.significant]
    if not significant:
        return True, "no_difference", None, "Planned sample reached: no variant differs significantly from the control."
    better = [a for a in significant if (a.difference or 0) > 0]
    if better:
        best = max(better, key=lambda a: a.difference or 0)
        return True, "winner", best.name, f"{best.name} beats the control {arms[0].name} on the planned sample."
    return True, "winner", arms[0].name, f"The control {arms[0].name} beats every variant that differs significantly."


def build_report(session: Session, *, experiment: Experiment, until: datetime | None = None) -> Report:
    """The report from data up to ``until`` (now by default)."""
    until = aware(until) or datetime.now(timezone.utc)
    counts = arm_counts(session, experiment=experiment, until=until)
    alpha = experiment.alpha / comparisons(len(experiment.arms))
    control = counts[0]
    arms: list[ArmReport] = []
    for arm, count in zip(experiment.arms, counts):
        base = dict(position=arm.position, name=arm.name, text=arm.text, weight=arm.weight, exposed=count.exposed,
                    n=count.n, successes=count.successes, rate=count.successes / count.n if count.n else 0.0)
        if arm.position == 0:
            arms.append(ArmReport(**base))
            continue
        c = compare(successes_a=control.successes, n_a=control.n, successes_b=count.successes, n_b=count.n,
                    alpha=alpha)
        arms.append(ArmReport(**base, difference=c.difference, ci_low=c.ci_low, ci_high=c.ci_high, z=c.z,
                              p_value=c.p_value, significant=bool(control.n and count.n and c.p_value < alpha)))
    planned = planned_per_arm(experiment)
    reached, verdict, winner, summary = _verdict(arms, planned)
    metric = METRICS[experiment.metric]
    label = metric.label.replace("N days", f"{experiment.metric_days} days")
    return Report(experiment_id=experiment.id, metric=experiment.metric, metric_label=label,
                  metric_counts=metric.counts.replace("N days", f"{experiment.metric_days} days"),
                  as_of=until.isoformat(timespec="seconds"), planned_per_arm=planned, alpha_per_comparison=alpha,
                  confidence=1 - alpha, arms=arms, reached_plan=reached, verdict=verdict, winner=winner,
                  summary=summary)


def _from_json(raw: str) -> Report:
    data = json.loads(raw)
    data["arms"] = [ArmReport(**a) for a in data["arms"]]
    return Report(**data)


def current_report(session: Session, *, experiment_id: int) -> tuple[Experiment, Report]:
    """The experiment and its report: live while it runs, the frozen one once stopped."""
    experiment = get_experiment(session, experiment_id=experiment_id)
    if experiment.status == ExperimentStatus.STOPPED and experiment.frozen_report:
        return experiment, _from_json(experiment.frozen_report)
    return experiment, build_report(session, experiment=experiment)


def stop_experiment(session: Session, *, experiment_id: int, now: datetime | None = None) -> Report:
    """Stop a running experiment: no more exposures, and the report is kept as it stands now."""
    experiment = get_experiment(session, experiment_id=experiment_id)
    if experiment.status != ExperimentStatus.RUNNING:
        raise ExperimentConflict("the experiment was stopped already")
    stopped_at = aware(now) or datetime.now(timezone.utc)
    report = build_report(session, experiment=experiment, until=stopped_at)
    experiment.status = ExperimentStatus.STOPPED
    experiment.stopped_at = stopped_at
    experiment.frozen_report = json.dumps(asdict(report))
    session.flush()
    return report
