"""Errors of the experiments service, each with a message fit to show to staff."""

from __future__ import annotations


class ExperimentError(Exception):
    """Base of the experiments service's errors."""


class InvalidExperiment(ExperimentError):
    """The definition was refused; the message says why."""


class ExperimentConflict(ExperimentError):
    """Another experiment on the same response and language is running."""


class ExperimentNotFound(ExperimentError):
    """No experiment with that id."""


class InvalidWording(ExperimentError):
    """A segment wording was refused; the message says why."""


class WordingConflict(ExperimentError):
    """The response, language and segment have a wording already."""


class WordingNotFound(ExperimentError):
    """No segment wording with that id."""
