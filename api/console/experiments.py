"""A/B experiments in the console: the list, a new experiment (admins), the report, stopping (admins)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console.errors import as_sentence
from api.console.ids import RowId
from api.console.templating import render
from api.deps import AdminUser, ConsoleForm, ConsoleSessionDep, StaffUser
from bot.experiments import (
    LANGUAGES, METRICS, ArmInput, ExperimentConflict, ExperimentInput, ExperimentNotFound, InvalidExperiment,
    create_experiment, current_report, domain_texts, experimentable_responses, list_experiments, stop_experiment,
)
from bot.segments import SEGMENTS
from bot.staff.sessions import StaffIdentity

router = APIRouter(include_in_schema=False)

PAGE = "/console/experiments"
# Three variant slots keep the form within the console's 20 form fields (the segment is the 20th).
FORM_ARMS = 3
DEFAULTS = {"language": "en", "metric": "contained", "metric_days": "7", "baseline": "60", "effect": "5",
            "alpha": "0.05", "power": "0.8", "weight_0": "50", "weight_1": "50", "name_0": "A", "name_1": "B",
            "name_2": "C"}
NOTICES = {"created": "The experiment is running: conversations get their arm from now on.",
           "stopped": "The experiment was stopped; its report is frozen as it stood."}


def _number(form: dict[str, str], key: str, label: str) -> float:
    try:
        return float(form.get(key, "").strip().replace(",", "."))
    except ValueError:
        raise InvalidExperiment(f"{label} is not a number") from None


def _int(form: dict[str, str], key: str, label: str) -> int:
    value = _number(form, key, label)
    if value != int(value):
        raise InvalidExperiment(f"{label} is a whole number")
    return int(value)


def _input(form: dict[str, str]) -> ExperimentInput:
    arms = []
    for i in range(FORM_ARMS):
        text, name = form.get(f"text_{i}", ""), form.get(f"name_{i}", "")
        if not text.strip() and i >= 2:
            continue  # the optional third variant left empty
        arms.append(ArmInput(name=name, text=text, weight=_int(form, f"weight_{i}", f"the weight of variant {i + 1}")))
    return ExperimentInput(
        name=form.get("name", ""), response=form.get("response", ""), language=form.get("language", ""),
        metric=form.get("metric", ""), arms=tuple(arms),
        baseline_rate=_number(form, "baseline", "the baseline rate") / 100,
        min_effect=_number(form, "effect", "the minimum detectable effect") / 100,
        alpha=_number(form, "alpha", "alpha"), power=_number(form, "power", "power"),
        metric_days=_int(form, "metric_days", "the order window"), segment=form.get("segment", "").strip() or None,
    )


def _page(request: Request, session: Session, staff: StaffIdentity, *, status_code: int = 200,
          error: str | None = None, notice: str | None = None, values: dict[str, str] | None = None) -> HTMLResponse:
    texts = domain_texts()
    responses = [(name, texts[name]) for name in experimentable_responses()]
    return render(request, "console/experiments.html", status_code=status_code, staff=staff, active="experiments",
                  experiments=list_experiments(session), responses=responses, languages=LANGUAGES,
                  metrics=list(METRICS.values()), segments=SEGMENTS, form_arms=FORM_ARMS, error=error, notice=notice,
                  values={**DEFAULTS, **(values or {})})


@router.get(PAGE, response_class=HTMLResponse)
def experiments_page(request: Request, session: ConsoleSessionDep, staff: StaffUser,
                     done: str | None = None) -> HTMLResponse:
    return _page(request, session, staff, notice=NOTICES.get(done or ""))


@router.post(PAGE, response_class=HTMLResponse)
def create(request: Request, session: ConsoleSessionDep, staff: AdminUser, form: ConsoleForm) -> Response:
    values = {k: v for k, v in form.items() if k != "csrf_token"}
    try:
        experiment = create_experiment(session, data=_input(form), created_by=staff.email)
    except InvalidExperiment as exc:
        return _page(request, session, staff, status_code=400, error=as_sentence(exc), values=values)
    except ExperimentConflict as exc:
        return _page(request, session, staff, status_code=409, error=as_sentence(exc), values=values)
    return RedirectResponse(f"{PAGE}/{experiment.id}?done=created", status_code=303)


def _not_found(request: Request, staff: StaffIdentity, exc: ExperimentNotFound) -> HTMLResponse:
    return render(request, "console/error.html", status_code=404, staff=staff, title="Not found",
                  message=as_sentence(exc))


@router.get(PAGE + "/{experiment_id}", response_class=HTMLResponse)
def report_page(request: Request, session: ConsoleSessionDep, staff: StaffUser, experiment_id: RowId,
                done: str | None = None) -> HTMLResponse:
    try:
        experiment, report = current_report(session, experiment_id=experiment_id)
    except ExperimentNotFound as exc:
        return _not_found(request, staff, exc)
    return render(request, "console/experiment.html", staff=staff, active="experiments", experiment=experiment,
                  report=report, notice=NOTICES.get(done or ""))


@router.post(PAGE + "/{experiment_id}/stop", response_class=HTMLResponse)
def stop(request: Request, session: ConsoleSessionDep, staff: AdminUser, experiment_id: RowId) -> Response:
    try:
        stop_experiment(session, experiment_id=experiment_id)
    except ExperimentNotFound as exc:
        return _not_found(request, staff, exc)
    except ExperimentConflict:
        pass  # stopped already (two admins, or a double click): the frozen report stands
    return RedirectResponse(f"{PAGE}/{experiment_id}?done=stopped", status_code=303)
