"""Provides the overview: the chain, the headline, and the live checklist."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ...catalog import load_catalog
from ...model import LINK_TITLES, Report, Status
from ..glyphs import GLYPH
from ..situation import situation
from ..widgets.chain_bar import ChainBar
from ..widgets.check_list import CheckList


class OverviewScreen(Screen[None]):
    """First screen: what broke, in one sentence, and every check below it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_finding", "Details"),
        Binding("f", "open_fix", "Fix tree"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield ChainBar(id="chain")
        yield Static("Probing the DinD chain…", id="headline")
        yield CheckList(id="checks")
        yield Footer()

    @property
    def checks(self) -> CheckList:
        return self.query_one(CheckList)

    def show_probing(self, probes: dict[str, tuple[float, float | None]], running_links: set[str],
                     now: float, frame: int, previous: Report | None) -> None:
        done = sum(1 for _, end in probes.values() if end is not None)
        self.query_one(ChainBar).show_probing(running_links, frame)
        rerun = "Re-running" if previous is not None else "Probing"
        self.query_one("#headline", Static).update(
            f"{rerun} the DinD chain… {done} of {len(probes)} probes done")
        self.checks.show_probes(probes, now, frame)

    def show_report(self, report: Report, keep: str | None) -> None:
        self.query_one(ChainBar).show_report(report)
        self.query_one("#headline", Static).update(headline_text(report))
        self.query_one("#headline").set_class(report.headline is not None, "-broken")
        self.checks.show_report(report, keep)
        self.checks.focus()

    def show_failure(self, error: str) -> None:
        self.query_one("#headline", Static).update(
            f"[b]The run failed:[/b] {_escape(error)}\nPress r to try again, q to quit.")
        self.query_one("#headline").set_class(True, "-broken")

    def action_open_finding(self) -> None:
        finding_id = self.checks.selected_id
        if finding_id:
            self.app.open_finding(finding_id)  # type: ignore[attr-defined]

    def action_open_fix(self) -> None:
        finding_id = self.checks.selected_id
        if finding_id:
            self.app.open_fix_tree(finding_id)  # type: ignore[attr-defined]

    def on_data_table_row_selected(self) -> None:
        self.action_open_finding()


def headline_text(report: Report) -> str:
    """The first broken link in one sentence, with its fix in one line."""
    head = report.headline
    if head is None:
        ok = report.counts["ok"]
        where = "" if report.endpoint is None else f" Endpoint {_escape(report.endpoint.url)}."
        return f"[b]✓ No broken link:[/b] the DinD chain holds ({ok} checks ok).{where}"
    fix = head.fix
    entry = load_catalog().get(head.id)
    if head.status == Status.ERROR:
        fix = "none needed in your setup: the check itself broke (a dind-doctor bug, please report)"
    elif not fix and entry is not None:
        fix = entry.fix_tree.fix_for(situation(report)).title
    line = (f"[b]{GLYPH[head.status]} {LINK_TITLES[head.link]}:[/b] {_escape(head.summary)}")
    if fix:
        line += f"\n[b]Fix:[/b] {_escape(fix)}  [dim](f: fix tree, enter: details)[/dim]"
    return line


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
