"""Reports to render: every bundled scenario, and a joined live + static report whose static
findings point into a real ``.gitlab-ci.yml`` and ``config.toml``."""

from __future__ import annotations

import shutil
from pathlib import Path

from dind_doctor.config.collect import collect_config_facts
from dind_doctor.facts import Facts
from dind_doctor.model import Report, Status
from dind_doctor.records import replace
from dind_doctor.report import build_report
from dind_doctor.scenarios import SCENARIOS, load

DATA = Path(__file__).resolve().parent.parent / "data" / "config"


def scenario_reports() -> dict[str, Report]:
    return {name: build_report(load(name)) for name in SCENARIOS}


def project(tmp: Path, ci: str = "tls-2375.yml",
            runner: str = "docker-unprivileged.toml") -> tuple[Path, Path]:
    """A project directory with ``.gitlab-ci.yml`` and a runner ``config.toml`` next to it."""
    ci_file, runner_file = tmp / ".gitlab-ci.yml", tmp / "config.toml"
    shutil.copy(DATA / "ci" / ci, ci_file)
    shutil.copy(DATA / "runner" / runner, runner_file)
    return ci_file, runner_file


def joined_facts(tmp: Path, **kwargs: str) -> Facts:
    """The tls-mismatch scenario's live facts joined with the project's files."""
    ci_file, runner_file = project(tmp, **kwargs)
    rc, cf = collect_config_facts(str(ci_file), str(runner_file), None, {}, search=False)
    live = load("tls-mismatch-2375")
    env = replace(live.env, vars={**live.env.vars, "CI_PROJECT_DIR": str(tmp)})
    return replace(live, env=env, runner_config=rc, ci_file=cf)


def line_of(path: Path, needle: str) -> int:
    return next(i for i, text in enumerate(path.read_text().splitlines(), 1) if needle in text)


def problems(report: Report) -> list[str]:
    return [f.id for f in report.findings if f.status in (Status.FAIL, Status.WARN, Status.ERROR)]
