"""Every screen in every state, at 80x24 and 120x36, from the bundled scenario facts.

Update after an intended change with ``python -m pytest tests/tui --snapshot-update`` and look
at every changed SVG (``snapshot_report.html`` shows the differences) before committing.
"""

from __future__ import annotations

import pytest
from textual import events

from .apps import make_app
from .reports import PASTED, PASTED_LOG, STATES

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}


async def _settled(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until the report is on screen: the run starts only after the first refresh, so
    waiting for workers alone can return before it began (seen on a loaded machine)."""
    app = pilot.app
    for _ in range(200):  # at most ~10 s
        if app.report is not None and not app.running:
            break
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    await pilot.pause()  # the cursor move is scheduled after the refresh that shows the report
    await _cursor_in_view(pilot)


async def _cursor_in_view(pilot) -> None:  # type: ignore[no-untyped-def]
    """On a loaded machine the scroll to the cursor row can land after two pauses: wait for
    it, so a snapshot never catches the list before it scrolled."""
    from dind_doctor.tui.widgets.check_list import CheckList

    lists = pilot.app.screen.query(CheckList)
    if not lists:
        return
    table = lists.first()
    for _ in range(100):  # at most ~5 s
        row = table._get_row_region(table.cursor_row)
        first = row.y - table.header_height  # the row's line below the fixed header
        top = table.scroll_offset.y
        visible = table.scrollable_content_region.height - table.header_height
        if row.height == 0 or top <= first <= first + row.height <= top + visible:
            return
        await pilot.pause(0.05)
    raise AssertionError(f"cursor row {table.cursor_row} never scrolled into view")


def _press(*keys: str):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _settled(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await _settled(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", STATES)
class TestScreens:
    def test_overview(self, snap_compare, state: str, size: str) -> None:
        """The chain bar, the headline (first broken link + one-line fix) and the checklist,
        with the cursor on the headline finding."""
        assert snap_compare(make_app(state), terminal_size=SIZES[size], run_before=_press())

    def test_finding(self, snap_compare, state: str, size: str) -> None:
        """The headline finding (or the first one when healthy): status, summary, redacted
        evidence, what it means, why it happens."""
        assert snap_compare(make_app(state), terminal_size=SIZES[size],
                            run_before=_press("enter"))

    def test_fix_tree(self, snap_compare, state: str, size: str) -> None:
        """The guided fix tree opened on the fix for the job's situation (executor, TLS or
        plain; else the recommended one), its steps and snippet."""
        assert snap_compare(make_app(state), terminal_size=SIZES[size], run_before=_press("f"))

    def test_search(self, snap_compare, state: str, size: str) -> None:
        """Symptom search with this state's typical error line pasted: ranked entries."""

        async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
            await _settled(pilot)
            await pilot.press("slash")
            await pilot.pause()
            pilot.app.post_message(events.Paste(PASTED[state]))  # as a terminal delivers it
            await pilot.pause()

        assert snap_compare(make_app(state), terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_search_pasted_log(snap_compare, size: str) -> None:
    """Symptom search with a pasted job-log excerpt: the explainer's ranking, with the line
    each cause matched and the executor it read from the log."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _settled(pilot)
        await pilot.press("slash")
        await pilot.pause()
        pilot.app.post_message(events.Paste(PASTED_LOG))
        await pilot.pause()
        await pilot.app.screen.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app("k8s-wiring"), terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, size: str) -> None:
    """Every key binding, grouped by screen, over the overview."""
    assert snap_compare(make_app("tls-mismatch-2375"), terminal_size=SIZES[size],
                        run_before=_press("question_mark"))


def test_light_theme(snap_compare) -> None:
    """The overview of a failure in the light theme (t toggles)."""
    assert snap_compare(make_app("alias-missing"), run_before=_press("t"))
