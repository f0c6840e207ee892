"""Pilot tests: navigation, re-run, search, copy/save, export, live progress, failures."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from jsonschema import Draft202012Validator

from dind_doctor.catalog import load_catalog
from dind_doctor.model import Report
from dind_doctor.render.json import load_schema
from dind_doctor.tui.app import DoctorApp
from dind_doctor.tui.screens.finding import FindingScreen
from dind_doctor.tui.screens.fix_tree import FixTreeScreen
from dind_doctor.tui.screens.help import HelpScreen
from dind_doctor.tui.screens.overview import OverviewScreen
from dind_doctor.tui.screens.search import QueryBox, SearchScreen
from dind_doctor.tui.widgets.fix_detail import FixDetail
from dind_doctor.tui.widgets.fix_tree import FixTree

from .apps import make_app
from .reports import report_for

SIZE = (80, 24)


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _cursor_node(app: DoctorApp) -> str:
    node = app.screen.query_one(FixTree).cursor_node
    assert node is not None and node.data is not None
    return node.data.id


async def test_overview_opens_on_the_headline_and_navigates(tmp_path: Path) -> None:
    app = make_app("certs-not-shared", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        assert overview.checks.selected_id == app.report.headline.id == "certs-client-not-shared"
        await pilot.press("enter")
        assert isinstance(app.screen, FindingScreen)
        assert app.screen.finding.id == "certs-client-not-shared"
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FixTreeScreen)
        await pilot.press("escape", "escape")
        assert app.screen is overview


async def test_three_keystrokes_reach_a_copied_fix(tmp_path: Path) -> None:
    app = make_app("tls-mismatch-2375", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        entry = load_catalog()["daemon-tls-client-plain-2375"]
        recommended = entry.fix_tree.first_fix()
        assert _cursor_node(app) == recommended.id
        await pilot.press("c")
        assert app.clipboard == recommended.snippets[0].code


async def test_walking_the_tree_changes_the_snippet_and_save_writes_it(tmp_path: Path) -> None:
    app = make_app("k8s-wiring", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        node = load_catalog()["k8s-executor-wiring"].fix_tree.find(_cursor_node(app))
        assert node is not None and node.id == "plain-localhost"
        await pilot.press("s")
        saved = tmp_path / "dind-doctor-fix-k8s-executor-wiring-plain-localhost-gitlab-ci.yml"
        assert saved.read_text(encoding="utf-8") == node.snippets[0].code
        await pilot.press("c")
        assert app.clipboard == node.snippets[0].code


async def test_copy_takes_the_snippet_in_front_of_the_user(tmp_path: Path) -> None:
    app = make_app("tls-mismatch-2375", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        node = load_catalog()["daemon-tls-client-plain-2375"].fix_tree.find(_cursor_node(app))
        assert node is not None and len(node.snippets) == 2
        first, second = (s.code for s in node.snippets)
        await pilot.press("c")
        assert app.clipboard == first  # the first one is in view
        detail = app.screen.query_one(FixDetail)
        detail.scroll_end(animate=False)  # reading the second one, focus still on the tree
        await pilot.pause()
        await pilot.press("c")
        assert app.clipboard == second
        await pilot.press("tab")  # tab picks a snippet: the first, then the second
        await pilot.press("c")
        assert app.clipboard == first
        await pilot.press("tab", "c")
        assert app.clipboard == second
        await pilot.press("shift+tab", "c")
        assert app.clipboard == first


async def test_a_log_pasted_as_keystrokes_stays_in_the_search_box(tmp_path: Path) -> None:
    """A terminal without bracketed paste sends a pasted log as keys: the Enter inside it must
    not open a fix tree (and the letters after it must not become commands)."""
    app = make_app("alias-missing", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        box = app.screen.query_one(QueryBox)
        box.PASTE_GAP = 1.0  # generous: the keys below arrive well inside it, even when loaded
        await pilot.press(*"no such host", "enter", *"exit code 1", "enter", "e", "q")
        assert isinstance(app.screen, SearchScreen)
        assert box.text == "no such host\nexit code 1\neq"
        assert not list(tmp_path.iterdir())  # `e` exported nothing


async def test_enter_typed_alone_opens_the_best_match(tmp_path: Path) -> None:
    app = make_app("alias-missing", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        app.screen.query_one(QueryBox).PASTE_GAP = 0.05
        await pilot.press(*"lookup docker on 127.0.0.11:53: no such host", "enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, FixTreeScreen)
        assert app.screen.entry.id == "alias-unresolvable"


async def test_rerun_keeps_the_cursor_on_the_same_finding(tmp_path: Path) -> None:
    app = make_app("healthy-tls", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        checks = app.screen.checks
        await pilot.press("down", "down", "down")
        chosen = checks.selected_id
        assert chosen is not None and chosen != app.report.findings[0].id
        await pilot.press("r")
        await _settle(pilot)
        await pilot.pause()
        assert app.run_count == 2
        assert checks.selected_id == chosen


async def test_rerun_refreshes_an_open_finding_screen(tmp_path: Path) -> None:
    reports = [report_for("tls-mismatch-2375"), report_for("healthy-tls")]

    async def run(progress) -> Report:  # type: ignore[no-untyped-def]
        return reports.pop(0)

    app = DoctorApp(run, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.open_finding("daemon-unreachable")
        await pilot.pause()
        before = app.screen.finding.status
        await pilot.press("r")
        await _settle(pilot)
        assert isinstance(app.screen, FindingScreen)
        assert app.screen.finding.status != before


async def test_search_lands_on_the_entry_and_node(tmp_path: Path) -> None:
    app = make_app("healthy-tls", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"docker: 'compose' is not a docker command.")
        await pilot.pause()
        assert app.screen.matches[0].entry.id == "compose-missing"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, FixTreeScreen)
        assert app.screen.entry.id == "compose-missing"
        assert _cursor_node(app) == "use-plugin"


async def test_search_without_a_match_says_so(tmp_path: Path) -> None:
    app = make_app("healthy-tls", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("slash", *"all good here, thanks", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert "No catalog entry" in str(app.screen.query_one("#search-status").render())


async def test_export_writes_valid_json_and_markdown(tmp_path: Path) -> None:
    app = make_app("alias-missing", tmp_path / "out")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("e")
        await pilot.pause()
    data = json.loads((tmp_path / "out" / "dind-doctor-report.json").read_text(encoding="utf-8"))
    assert not list(Draft202012Validator(load_schema()).iter_errors(data))
    assert data["headline"]["id"] == "alias-unresolvable"
    markdown = (tmp_path / "out" / "dind-doctor-report.md").read_text(encoding="utf-8")
    assert "First broken link: Service name" in markdown
    assert "## ✗" in markdown and "`alias-unresolvable`" in markdown
    assert markdown.count("```") % 2 == 0


async def test_export_into_an_unwritable_place_is_a_message_not_a_crash(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    app = make_app("healthy-tls", blocker / "sub")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert app.is_running
    assert not (blocker / "sub").exists()


async def test_help_lists_every_binding(tmp_path: Path) -> None:
    app = make_app("healthy-tls", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys")
        actions = {table.get_row_at(i)[2] for i in range(table.row_count)}
        for wanted in ("Re-run", "Search", "Export", "Quit", "Copy", "Save", "Next snippet",
                       "Fix tree", "Details", "Theme"):
            assert wanted in actions
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)


async def test_first_paint_and_live_checklist_before_the_run_finishes(tmp_path: Path) -> None:
    release = asyncio.Event()

    async def run(progress) -> Report:  # type: ignore[no-untyped-def]
        progress("env", "start")
        progress("env", "done")
        progress("name", "start")
        await release.wait()
        progress("name", "done")
        return report_for("healthy-tls")

    app = DoctorApp(run, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        checks = app.screen.checks
        assert checks.row_count == 2  # env done, name still probing
        assert "probing" in str(checks.get_row_at(1)[2])
        assert "1 of 2 probes done" in str(app.screen.query_one("#headline").render())
        assert app.report is None
        release.set()
        await _settle(pilot)
        assert app.report is not None
        assert checks.row_count == len(app.report.findings)


async def test_a_failing_run_is_shown_and_can_be_retried(tmp_path: Path) -> None:
    calls = []

    async def run(progress) -> Report:  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise OSError("cannot write facts.json: Permission denied")
        return report_for("healthy-tls")

    app = DoctorApp(run, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert "The run failed" in str(app.screen.query_one("#headline").render())
        await pilot.press("r")
        await _settle(pilot)
        assert app.report is not None


async def test_quit_returns_the_report_exit_code(tmp_path: Path) -> None:
    for state, code in (("healthy-tls", 0), ("alias-missing", 1)):
        app = make_app(state, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            await pilot.press("q")
        assert app.return_value == code


async def test_theme_toggles_between_dark_and_light(tmp_path: Path) -> None:
    app = make_app("healthy-tls", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("t")
        assert app.theme == "textual-light"
        await pilot.press("t")
        assert app.theme == "textual-dark"


def test_importing_the_tui_package_and_catalog_does_not_import_textual() -> None:
    code = ("import sys, dind_doctor.tui, dind_doctor.catalog, dind_doctor.tui.export; "
            "dind_doctor.catalog.load_catalog(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "[]"


async def test_home_and_end_move_between_the_first_and_last_check(tmp_path: Path) -> None:
    app = make_app("healthy-tls", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        checks = app.screen.checks
        await pilot.press("end")
        assert checks.selected_id == app.report.findings[-1].id
        assert checks.scroll_x == 0  # not the table's sideways scroll
        await pilot.press("home")
        assert checks.selected_id == app.report.findings[0].id
