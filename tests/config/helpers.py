"""Build facts from the hand-written fixtures and run the static checks on them."""

from __future__ import annotations

from pathlib import Path

from dind_doctor.config.collect import collect_config_facts
from dind_doctor.facts import EnvFacts, Facts
from dind_doctor.model import Finding, Report
from dind_doctor.report import lint_report

DATA = Path(__file__).resolve().parent.parent / "data" / "config"
CANARY = "CANARYcanary0123456789"


def ci(name: str) -> str:
    return str(DATA / "ci" / name)


def runner(name: str) -> str:
    return str(DATA / "runner" / name)


def facts_for(ci_name: str | None = None, runner_name: str | None = None, *,
              helm: str | None = None, env: dict[str, str] | None = None) -> Facts:
    rc, cf = collect_config_facts(ci(ci_name) if ci_name else None,
                                  runner(runner_name) if runner_name else None,
                                  runner(helm) if helm else None, {}, search=False)
    return Facts(tool_version="test", collected_at="2026-01-01T00:00:00Z", timeout_s=0.0,
                 env=EnvFacts(vars=env or {}), runner_config=rc, ci_file=cf)


def report_for(*args: str | None, **kwargs: object) -> Report:
    return lint_report(facts_for(*args, **kwargs))  # type: ignore[arg-type]


def finding(report: Report, finding_id: str) -> Finding | None:
    return next((f for f in report.findings if f.id == finding_id), None)
