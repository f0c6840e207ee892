"""Turn facts into a report: run the chosen checks in chain order."""

from __future__ import annotations

from collections.abc import Iterable

from . import __version__
from .checks import base
from .facts import Facts
from .model import Report

SCHEMA_VERSION = "1.0"


def build_report(facts: Facts, checks: Iterable[base.Check] | None = None, *,
                 live: bool = True) -> Report:
    """Run ``checks`` (default: every registered check) on ``facts``.

    ``live=False``: the facts come from files only (``lint``, ``fix``), so the report names no
    Docker endpoint: the machine reading the files is not the job. Deterministic: the same
    facts give the same report.
    """
    return Report(
        schema_version=SCHEMA_VERSION,
        tool_version=__version__,
        generated_at=facts.collected_at,
        endpoint=base.Context(facts).endpoint if live else None,
        findings=base.run_all(facts, checks),
    )


def static_checks() -> list[base.Check]:
    """The checks of the runner config and the CI file: all ``lint`` runs."""
    from .checks import cifile, runner_config

    modules = {cifile.__name__, runner_config.__name__}
    return [c for c in base.REGISTRY if c.fn.__module__ in modules]


def lint_report(facts: Facts) -> Report:
    """The report of the static checks alone, on facts read from files."""
    return build_report(facts, static_checks(), live=False)
