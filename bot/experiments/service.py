"""Defining, stopping and serving experiments. Services flush, the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from bot.db import conflict_insert
from bot.experiments.assignment import assign
from bot.experiments.errors import ExperimentConflict, ExperimentNotFound, InvalidExperiment
from bot.experiments.metrics import METRICS, ORDER
from bot.experiments.responses import (
    LANGUAGES, REQUIRED_PLACEHOLDERS, domain_texts, experimentable_responses, placeholders,
)
from bot.experiments.stats import sample_size_per_arm
from bot.models import Customer, Experiment, ExperimentArm, ExperimentExposure, ExperimentStatus
from bot.segments.rfm import SEGMENTS

MIN_ARMS = 2
MAX_ARMS = 5
MAX_TEXT_CHARS = 1000
MAX_NAME_CHARS = 120
MAX_ARM_NAME_CHARS = 40
MAX_METRIC_DAYS = 90


@dataclass(frozen=True, slots=True)
class ArmInput:
    name: str
    text: str
    weight: int


@dataclass(frozen=True, slots=True)
class ExperimentInput:
    name: str
    response: str
    language: str
    metric: str
    arms: tuple[ArmInput, ...]
    baseline_rate: float
    min_effect: float
    alpha: float = 0.05
    power: float = 0.8
    metric_days: int = 7
    segment: str | None = None  # only this RFM segment's verified customers take part


@dataclass(frozen=True, slots=True)
class Served:
    """The arm a conversation was shown: its text (placeholders not yet filled) and where it came from."""

    experiment_id: int
    position: int
    arm: str
    text: str
    segment: str | None = None  # the segment the experiment is limited to


def _check_arms(arms: tuple[ArmInput, ...], allowed: frozenset[str], required: frozenset[str]) -> None:
    if not MIN_ARMS <= len(arms) <= MAX_ARMS:
        raise InvalidExperiment(f"an experiment needs {MIN_ARMS} to {MAX_ARMS} variants")
    names = [a.name.strip() for a in arms]
    if any(not n or len(n) > MAX_ARM_NAME_CHARS for n in names) or len(set(names)) != len(names):
        raise InvalidExperiment(f"each variant needs a distinct name of at most {MAX_ARM_NAME_CHARS} characters")
    for arm in arms:
        text = arm.text.strip()
        if not text:
            raise InvalidExperiment(f"variant {arm.name.strip()!r} has no text")
        if len(text) > MAX_TEXT_CHARS:
            raise InvalidExperiment(f"variant {arm.name.strip()!r} is longer than {MAX_TEXT_CHARS} characters")
        unknown = placeholders(text) - allowed
        if unknown:
            raise InvalidExperiment(f"variant {arm.name.strip()!r} uses placeholders the response does not fill: "
                                    + ", ".join("{" + p + "}" for p in sorted(unknown)))
        missing = required - placeholders(text)
        if missing:
            raise InvalidExperiment(f"variant {arm.name.strip()!r} must keep "
                                    + ", ".join("{" + p + "}" for p in sorted(missing)))
    if any(not 1 <= a.weight <= 99 for a in arms) or sum(a.weight for a in arms) != 100:
        raise InvalidExperiment("traffic split: each variant gets 1 to 99 percent, and they add up to 100")


def _check_plan(data: ExperimentInput) -> None:
    if not 0 < data.baseline_rate < 1:
        raise InvalidExperiment("the baseline rate lies strictly between 0 and 1")
    if not 0 < abs(data.min_effect) or not 0 < data.baseline_rate + data.min_effect < 1:
        raise InvalidExperiment("the minimum detectable effect is not 0 and keeps the rate between 0 and 1")
    if not 0 < data.alpha <= 0.2 or not 0.5 <= data.power < 1:
        raise InvalidExperiment("alpha lies in (0, 0.2] and power in [0.5, 1)")
    if data.metric == ORDER and not 1 <= data.metric_days <= MAX_METRIC_DAYS:
        raise InvalidExperiment(f"the order window is 1 to {MAX_METRIC_DAYS} days")


def validate(data: ExperimentInput) -> None:
    """Raise InvalidExperiment with the first problem of ``data``."""
    name = data.name.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidExperiment(f"the name is 1 to {MAX_NAME_CHARS} characters")
    if data.response not in experimentable_responses():
        raise InvalidExperiment(f"{data.response!r} is not a response in domain.yml that an experiment can vary")
    if data.language not in LANGUAGES:
        raise InvalidExperiment("the language is en or de")
    base = domain_texts()[data.response].get(data.language)
    if base is None:
        raise InvalidExperiment(f"{data.response} has no {data.language} text in domain.yml")
    if data.metric not in METRICS:
        raise InvalidExperiment("unknown primary metric")
    if data.segment is not None and data.segment not in SEGMENTS:
        raise InvalidExperiment(f"{data.segment!r} is not a customer segment")
    _check_arms(data.arms, placeholders(base), REQUIRED_PLACEHOLDERS & placeholders(base))
    _check_plan(data)


def comparisons(arm_total: int) -> int:
    """How many arms are compared with the control."""
    return max(arm_total - 1, 1)


def planned_per_arm(experiment: Experiment) -> int:
    """Counted conversations each arm needs, alpha split between the comparisons (Bonferroni)."""
    return sample_size_per_arm(baseline=experiment.baseline_rate, min_effect=experiment.min_effect,
                               alpha=experiment.alpha / comparisons(len(experiment.arms)), power=experiment.power)


def create_experiment(session: Session, *, data: ExperimentInput, created_by: str) -> Experiment:
    """Validate and start an experiment; ExperimentConflict if its response already runs one."""
    validate(data)
    experiment = Experiment(
        name=data.name.strip(), response=data.response, language=data.language, segment=data.segment,
        metric=data.metric,
        metric_days=data.metric_days, baseline_rate=data.baseline_rate, min_effect=data.min_effect,
        alpha=data.alpha, power=data.power, created_by=created_by[:120], status=ExperimentStatus.RUNNING,
        arms=[ExperimentArm(position=i, name=a.name.strip(), text=a.text.strip(), weight=a.weight)
              for i, a in enumerate(data.arms)],
    )
    try:
        # A savepoint, so a clash leaves the caller's transaction usable; the unique index
        # settles two admins starting one at the same moment.
        with session.begin_nested():
            session.add(experiment)
            session.flush()
    except IntegrityError as exc:
        raise ExperimentConflict(
            f"an experiment on {data.response} ({data.language}) is running already; stop it first") from exc
    return experiment


def get_experiment(session: Session, *, experiment_id: int) -> Experiment:
    """The experiment with its arms, or ExperimentNotFound."""
    experiment = session.scalar(
        select(Experiment).options(selectinload(Experiment.arms)).where(Experiment.id == experiment_id))
    if experiment is None:
        raise ExperimentNotFound(f"no experiment {experiment_id}")
    return experiment


def list_experiments(session: Session) -> list[Experiment]:
    """All experiments, running first, newest first."""
    return list(session.scalars(
        select(Experiment).options(selectinload(Experiment.arms))
        .order_by(Experiment.status, Experiment.started_at.desc(), Experiment.id.desc())))


def running_experiment(session: Session, *, response: str, language: str) -> Experiment | None:
    """The experiment running on ``response`` in ``language``, if any."""
    return session.scalar(
        select(Experiment).options(selectinload(Experiment.arms))
        .where(Experiment.response == response, Experiment.language == language,
               Experiment.status == ExperimentStatus.RUNNING))


def _customer_id(session: Session, email: str | None) -> int | None:
    if not email:
        return None
    return session.scalar(select(Customer.id).where(Customer.email == email.strip().lower()))


def serve(
    session: Session, *, response: str, language: str, sender_id: str, verified_email: str | None = None,
    segment: str | None = None, now: datetime | None = None,
) -> Served | None:
    """The arm ``sender_id`` sees for ``response``, its exposure recorded; None when no experiment enrols them.

    ``segment``: the verified customer's RFM segment; an experiment limited to a segment enrols only its customers.
    """
    experiment = running_experiment(session, response=response, language=language)
    if experiment is None or not experiment.arms:
        return None
    if experiment.segment is not None and experiment.segment != segment:
        return None  # not enrolled: no exposure, and the caller falls back to the segment's wording or the domain's
    position = assign(experiment_id=experiment.id, sender_id=sender_id, weights=[a.weight for a in experiment.arms])
    arm = experiment.arms[position]
    # The first exposure counts; a later one of the same conversation (same arm, by the hash) adds nothing.
    stmt = conflict_insert(session.get_bind().dialect.name, ExperimentExposure).values(
        experiment_id=experiment.id, sender_id=sender_id, position=position,
        exposed_at=now or datetime.now(timezone.utc), customer_id=_customer_id(session, verified_email),
    ).on_conflict_do_nothing(index_elements=["experiment_id", "sender_id"])
    session.execute(stmt)
    return Served(experiment_id=experiment.id, position=position, arm=arm.name, text=arm.text,
                  segment=experiment.segment)
