"""Turn facts into a report: run every check, in chain order."""

from __future__ import annotations

from . import __version__
from .checks import base
from .facts import Facts
from .model import Report

SCHEMA_VERSION = "1.0"


def build_report(facts: Facts, *, only_links: set[str] | None = None) -> Report:
    """Run the checks on ``facts``. Deterministic: the same facts give the same report."""
    checks = [c for c in base.REGISTRY if only_links is None or c.link.value in only_links]
    ctx = base.Context(facts)
    findings = base.run_all(facts, checks)
    return Report(
        schema_version=SCHEMA_VERSION,
        tool_version=__version__,
        generated_at=facts.collected_at,
        endpoint=ctx.endpoint,
        findings=findings,
    )
