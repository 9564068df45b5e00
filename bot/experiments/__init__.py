"""A/B experiments on the bot's responses (issue 20): definition, stable assignment, exposures, outcomes, statistics.

Staff define an experiment in the console; the actions ask ``serve`` which text a
conversation sees and the exposure is recorded then; ``current_report`` compares
the arms on the primary metric.
"""

from bot.experiments.errors import (
    ExperimentConflict, ExperimentError, ExperimentNotFound, InvalidExperiment, InvalidWording, WordingConflict,
    WordingNotFound,
)
from bot.experiments.metrics import METRICS
from bot.experiments.report import ArmReport, Report, build_report, current_report, stop_experiment
from bot.experiments.responses import LANGUAGES, domain_texts, experimentable_responses, fill
from bot.experiments.service import (
    MAX_ARMS, MAX_TEXT_CHARS, ArmInput, ExperimentInput, Served, create_experiment, get_experiment,
    list_experiments, planned_per_arm, serve,
)
from bot.experiments.segment_wording import (
    SegmentText, WordingInput, WordingView, choose_text, delete_wording, get_wording, list_wordings, save_wording,
    segment_of_email,
)

__all__ = [
    "LANGUAGES", "MAX_ARMS", "MAX_TEXT_CHARS", "METRICS", "ArmInput", "ArmReport", "ExperimentConflict",
    "ExperimentError", "ExperimentInput", "ExperimentNotFound", "InvalidExperiment", "Report", "Served",
    "build_report", "create_experiment", "current_report", "domain_texts", "experimentable_responses", "fill",
    "get_experiment", "list_experiments", "planned_per_arm", "serve", "stop_experiment",
    # per-segment wording
    "InvalidWording", "SegmentText", "WordingConflict", "WordingInput", "WordingNotFound", "WordingView",
    "choose_text", "delete_wording", "get_wording", "list_wordings", "save_wording", "segment_of_email",
]
