"""Symptom search: a pasted line or job-log excerpt, ranked as `explain` ranks it."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import OptionList

from dind_doctor.catalog import load_catalog
from dind_doctor.explain import explain_log, match_error_line
from dind_doctor.tui.app import DoctorApp
from dind_doctor.tui.screens.fix_tree import FixTreeScreen
from dind_doctor.tui.screens.search import QueryBox, SearchScreen, is_log
from dind_doctor.tui.widgets.fix_tree import FixTree

from .apps import make_app

LOGS = Path(__file__).resolve().parents[1] / "data" / "logs"
SIZE = (80, 24)


def log(name: str) -> str:
    return (LOGS / name).read_text(encoding="utf-8")


async def _search(app: DoctorApp, pilot, text: str | None = None) -> SearchScreen:  # type: ignore[no-untyped-def]
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("slash")
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    if text is not None:
        await _paste(pilot, screen, text)
    return screen


async def _paste(pilot, screen: SearchScreen, text: str) -> None:  # type: ignore[no-untyped-def]
    """As a terminal does it: the app gets the paste and hands it to the focused widget."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()
    await screen.workers.wait_for_complete()
    await pilot.pause()


def _status(screen: SearchScreen) -> str:
    return str(screen.query_one("#search-status").render())


def test_is_log_counts_non_blank_lines() -> None:
    assert not is_log("")
    assert not is_log("error during connect: lookup docker: no such host\n\n")
    assert is_log("$ docker info\nCannot connect to the Docker daemon at tcp://docker:2375.")


async def test_a_pasted_log_is_kept_whole_and_ranked_by_the_explainer(tmp_path: Path) -> None:
    text = log("k8s-plain-http-to-2376.log")
    expected = explain_log(text, load_catalog())
    assert len(expected.candidates) >= 1
    app = make_app("healthy-tls", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _search(app, pilot, text)
        assert screen.query_box.text == text  # an Input would have kept the first line only
        assert screen.explanation is not None
        assert [m.entry.id for m in screen.matches] == [c.entry.id for c in expected.candidates]
        assert screen.query_one(OptionList).option_count == len(expected.candidates)
        assert "Kubernetes executor" in _status(screen)
        top = expected.candidates[0]
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, FixTreeScreen)
        assert app.screen.entry.id == top.entry.id
        node = app.screen.query_one(FixTree).cursor_node
        assert node is not None and node.data is not None and node.data.id == top.node.id


async def test_one_pasted_line_is_ranked_as_explain_ranks_it(tmp_path: Path) -> None:
    line = "ERROR: Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker " \
           "daemon running?"
    app = make_app("healthy-tls", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _search(app, pilot, line + "\n")
        assert [m.entry.id for m in screen.matches] == [
            c.entry.id for c in explain_log(line).candidates] == [
            m.entry.id for m in match_error_line(line)]
        assert "matching entr" in _status(screen)


async def test_one_line_that_is_not_dind_says_what_it_is(tmp_path: Path) -> None:
    line = 'Error response from daemon: Get "https://registry.example.com/v2/": unauthorized: ' \
           "incorrect username or password"
    app = make_app("healthy-tls", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _search(app, pilot, line)
        assert screen.matches == []
        assert _status(screen).startswith("Not a DinD problem: the registry refused")


async def test_a_successful_or_unrelated_log_says_so(tmp_path: Path) -> None:
    app = make_app("healthy-tls", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _search(app, pilot, log("success-tls.log"))
        assert "the job succeeded" in _status(screen)
        screen.query_box.text = log("not-dind-npm-test.log")
        await pilot.pause()
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert "nothing points to DinD" in _status(screen)
        assert screen.matches == []


async def test_editing_back_to_one_line_ranks_the_line(tmp_path: Path) -> None:
    app = make_app("healthy-tls", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _search(app, pilot, log("compose-v1-not-found.log"))
        assert screen.explanation is not None and screen.matches
        screen.query_box.text = "docker: 'compose' is not a docker command."
        await pilot.pause()
        assert screen.explanation is not None and screen.explanation.line_count == 1
        assert screen.matches[0].entry.id == "compose-missing"
        assert "matching entr" in _status(screen)


async def test_a_stale_explanation_does_not_overwrite_newer_results(tmp_path: Path) -> None:
    app = make_app("healthy-tls", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _search(app, pilot)
        await pilot.press(*"docker-compose: not found")
        await pilot.pause()
        before = [m.entry.id for m in screen.matches]
        assert before
        stale = explain_log(log("k8s-plain-http-to-2376.log"))
        screen._show_explanation(stale, screen._request - 1)
        assert [m.entry.id for m in screen.matches] == before


async def test_down_from_the_last_line_chooses_among_the_results(tmp_path: Path) -> None:
    text = log("privileged-block-lookup-cli28.log")
    app = make_app("healthy-tls", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _search(app, pilot, text)
        assert len(screen.matches) >= 2
        await pilot.press("down")
        assert isinstance(app.focused, OptionList)
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, FixTreeScreen)
        assert app.screen.entry.id == screen.matches[1].entry.id


async def test_a_long_paste_leaves_room_for_the_results_at_80x24(tmp_path: Path) -> None:
    text = log("tls-2375-debug-services-cli29.log")
    app = make_app("healthy-tls", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _search(app, pilot, text)
        box = screen.query_one(QueryBox)
        results = screen.query_one(OptionList)
        assert box.outer_size.height <= 7
        assert results.size.height >= 8
        assert screen.query_one("#search-status").region.bottom <= SIZE[1] - 1  # above footer


async def test_typing_one_line_and_enter_still_opens_the_best_match(tmp_path: Path) -> None:
    app = make_app("healthy-tls", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _search(app, pilot)
        await pilot.press(*"lookup docker on 127.0.0.11:53: no such host", "enter")
        await pilot.pause()
        await pilot.pause()
        assert screen.query_box.text.count("\n") == 0  # enter submitted, it did not break
        assert isinstance(app.screen, FixTreeScreen)
        assert app.screen.entry.id == "alias-unresolvable"
