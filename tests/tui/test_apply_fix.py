"""Applying a finding's file patch from the app: diff, confirm or cancel, apply, re-run.

The run lints real temp copies of the fixture files through the static checks, exactly as
``dind-doctor lint`` does, and exposes its facts (``RunResult``) so the app can patch them.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from dind_doctor import records
from dind_doctor.commands.lint import lint_facts
from dind_doctor.fix.patch import BACKUP_SUFFIX
from dind_doctor.model import Report, Status
from dind_doctor.report import lint_report
from dind_doctor.tui.app import DoctorApp
from dind_doctor.tui.runs import Progress, RunResult
from dind_doctor.tui.screens.apply_fix import ApplyFixScreen
from dind_doctor.tui.screens.finding import FindingScreen
from dind_doctor.tui.screens.fix_tree import FixTreeScreen

from .apps import canned
from .reports import report_for

DATA = Path(__file__).resolve().parents[1] / "data" / "config"
SIZE = (80, 24)


def lint_run(ci: str, runner: str):  # type: ignore[no-untyped-def]
    """Lint the files anew on every run; durations zeroed so screens are deterministic."""

    async def run(progress: Progress) -> RunResult:
        progress("lint", "start")
        args = argparse.Namespace(ci_file=ci, runner_config=runner, helm_values=None)
        facts = lint_facts(args, environ={})
        facts.collected_at = "2026-01-01T00:00:00Z"
        report = lint_report(facts)
        report.findings = [records.replace(f, duration_ms=0.0) for f in report.findings]
        progress("lint", "done")
        return RunResult(report, facts)

    return run


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    ci, runner = tmp_path / ".gitlab-ci.yml", tmp_path / "config.toml"
    shutil.copyfile(DATA / "ci" / "tls-2375.yml", ci)
    shutil.copyfile(DATA / "runner" / "docker-unprivileged.toml", runner)
    return ci, runner


def make_app(ci: Path, runner: Path, export_dir: Path) -> DoctorApp:
    return DoctorApp(lint_run(str(ci), str(runner)), mode="lint", export_dir=export_dir)


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _status(report: Report | None, finding_id: str) -> Status:
    assert report is not None
    return next(f for f in report.findings if f.id == finding_id).status


def _footer_keys(app: DoctorApp) -> set[str]:
    return {b.key for _, b, enabled, _ in app.screen.active_bindings.values() if enabled}


def _modal_text(app: DoctorApp) -> str:
    screen = app.screen
    assert isinstance(screen, ApplyFixScreen)
    return "".join(str(s.render()) for s in screen.query("Static"))


async def _open_finding(pilot, finding_id: str) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    app.open_finding(finding_id)
    await pilot.pause()
    assert isinstance(app.screen, FindingScreen) and app.screen.finding.id == finding_id


async def test_key_shows_the_diff_and_cancel_changes_nothing(files, tmp_path: Path) -> None:
    ci, runner = files
    before = ci.read_bytes(), runner.read_bytes()
    app = make_app(ci, runner, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _open_finding(pilot, "privileged-missing")
        assert app.screen.has_patch and "a" in _footer_keys(app)
        await pilot.press("a")
        await pilot.pause()
        text = _modal_text(app)
        assert "--- a/config.toml" in text and "+++ b/config.toml" in text
        assert "-    privileged = false" in text and "+    privileged = true" in text
        assert "DOCKER_HOST" not in text  # only this finding's file and change
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FindingScreen)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FindingScreen)
    assert (ci.read_bytes(), runner.read_bytes()) == before
    assert not list(tmp_path.glob(f"*{BACKUP_SUFFIX}"))


async def test_confirm_writes_the_file_and_a_backup_then_reruns(files, tmp_path: Path) -> None:
    ci, runner = files
    original = ci.read_bytes()
    app = make_app(ci, runner, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert _status(app.report, "ci-tls-port-mismatch") == Status.FAIL
        app.open_fix_tree("ci-tls-port-mismatch")
        await pilot.pause()
        assert isinstance(app.screen, FixTreeScreen) and "a" in _footer_keys(app)
        await pilot.press("a")
        await pilot.pause()
        assert "+  DOCKER_HOST: tcp://docker:2376   # the old way" in _modal_text(app)
        await pilot.press("y")
        await _settle(pilot)
        assert app.run_count == 2
        assert _status(app.report, "ci-tls-port-mismatch") == Status.OK
        assert isinstance(app.screen, FixTreeScreen)
        assert not app.screen.has_patch and "a" not in _footer_keys(app)
        messages = " ".join(str(n.message) for n in app._notifications)
        assert f"Wrote {ci}" in messages and f"{ci}{BACKUP_SUFFIX}" in messages
    assert Path(f"{ci}{BACKUP_SUFFIX}").read_bytes() == original
    fixed = ci.read_text()
    assert "DOCKER_HOST: tcp://docker:2376   # the old way" in fixed
    assert fixed.replace("2376", "2375").encode() == original  # nothing else touched


async def test_enter_confirms(files, tmp_path: Path) -> None:
    ci, runner = files
    app = make_app(ci, runner, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _open_finding(pilot, "docker-driver-vfs")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")
        await _settle(pilot)
        assert _status(app.report, "docker-driver-vfs") == Status.OK
    assert "DOCKER_DRIVER: overlay2" in ci.read_text()


async def test_a_file_changed_after_planning_is_refused(files, tmp_path: Path) -> None:
    ci, runner = files
    app = make_app(ci, runner, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _open_finding(pilot, "privileged-missing")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ApplyFixScreen)
        edited = runner.read_text() + "# edited by hand meanwhile\n"
        runner.write_text(edited)
        await pilot.press("y")
        await _settle(pilot)
        assert isinstance(app.screen, FindingScreen)  # no crash, back where we were
        assert app.run_count == 1  # nothing written, so no re-run
        refused = [n for n in app._notifications if n.severity == "error"]
        assert refused and "changed since it was read" in str(refused[-1].message)
    assert runner.read_text() == edited
    assert not Path(f"{runner}{BACKUP_SUFFIX}").exists()


async def test_the_diff_redacts_the_runner_token(tmp_path: Path) -> None:
    ci, runner = tmp_path / ".gitlab-ci.yml", tmp_path / "config.toml"
    shutil.copyfile(DATA / "ci" / "tls-2375.yml", ci)
    runner.write_text('[[runners]]\n  name = "fresh"\n  executor = "docker"\n'
                      '  token = "glrt-CANARYcanary0123456789"\n  [runners.docker]\n'
                      "    privileged = false\n")
    app = make_app(ci, runner, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _open_finding(pilot, "privileged-missing")
        await pilot.press("a")
        await pilot.pause()
        text = _modal_text(app)
        assert "token = " in text and "+    privileged = true" in text
        assert "CANARY" not in text


async def test_no_key_without_facts_or_fix(files, tmp_path: Path) -> None:
    ci, runner = files
    plain = DoctorApp(canned(report_for("tls-mismatch-2375")), mode="replay")
    async with plain.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(plain.screen, FindingScreen)
        assert "a" not in _footer_keys(plain)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(plain.screen, FindingScreen)
    app = make_app(ci, runner, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _open_finding(pilot, "floating-docker-tag")  # a warning with no mechanical fix
        assert "a" not in _footer_keys(app)


def test_diff_modal_snapshot(snap_compare, files, monkeypatch: pytest.MonkeyPatch) -> None:
    ci, runner = files
    monkeypatch.chdir(ci.parent)  # relative paths: the modal names the files it writes

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _settle(pilot)
        pilot.app.open_finding("privileged-missing")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()

    app = DoctorApp(lint_run(ci.name, runner.name), mode="lint", export_dir=ci.parent)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
