"""Build the app for tests: a canned report behind the same run contract the CLI uses."""

from __future__ import annotations

import itertools
from pathlib import Path

from dind_doctor.model import Report
from dind_doctor.tui.app import DoctorApp
from dind_doctor.tui.runs import Progress

from .reports import report_for


def canned(report: Report):
    async def run(progress: Progress) -> Report:
        progress("replay", "start")
        progress("replay", "done")
        return report

    return run


def make_app(state: str, export_dir: Path | None = None) -> DoctorApp:
    ticks = itertools.count()
    return DoctorApp(canned(report_for(state)), mode=f"replay {state}.json",
                     export_dir=export_dir or Path("."), clock=lambda: next(ticks) * 0.25)
