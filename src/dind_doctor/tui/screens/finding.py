"""Provides the finding screen: evidence, what it means, why it happens, how to confirm."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from ...catalog import Entry
from ...model import LINK_TITLES, Finding, Report
from ..glyphs import GLYPH, duration
from ..widgets.client_views import CLIENT_FINDINGS, client_views_table
from .apply_fix import OffersPatch


class FindingScreen(OffersPatch):
    """One finding in full. The evidence is already redacted by the checks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "open_fix", "Fix tree"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, finding: Finding, entry: Entry | None) -> None:
        super().__init__()
        self.finding = finding
        self.entry = entry

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="finding"):
            yield Static(id="finding-title")
            yield Static(id="finding-summary")
            yield Static(id="evidence")
            yield Static(id="client-views")
            yield Static(id="about")
        yield Footer()

    def on_mount(self) -> None:
        self._fill()
        self.update_patch_offer()

    @property
    def patch_finding_id(self) -> str | None:
        return self.finding.id

    def refresh_report(self, report: Report) -> None:
        found = next((f for f in report.findings if f.id == self.finding.id), None)
        if found is not None:
            self.finding = found
            self._fill()

    def _fill(self) -> None:
        f = self.finding
        took = duration(f.duration_ms)
        self.query_one("#finding-title", Static).update(
            f"[b]{GLYPH[f.status]} {escape(f.title)}[/b]  [dim]{f.status.value} · "
            f"{LINK_TITLES[f.link]} · {f.id}{' · ' + took if took else ''}[/dim]")
        summary = escape(f.summary)
        if f.blocked_by:
            summary += f"\n[dim]Blocked by {escape(f.blocked_by)}.[/dim]"
        if f.fix:
            summary += f"\n[b]Fix:[/b] {escape(f.fix)}"
        self.query_one("#finding-summary", Static).update(summary)
        table = Table(box=None, show_header=False, padding=(0, 1, 0, 0), expand=True)
        table.add_column("label", style="bold", no_wrap=True, max_width=24)
        table.add_column("value", overflow="fold")
        for item in f.evidence:  # plain text: values such as "[redacted]" are not markup
            table.add_row(Text(item.label), Text(item.value))
        evidence = self.query_one("#evidence", Static)
        evidence.update(table)
        evidence.display = bool(f.evidence)
        views = self.query_one("#client-views", Static)
        views_table = (client_views_table(getattr(self.app, "facts", None))
                       if f.id in CLIENT_FINDINGS else None)
        views.display = views_table is not None
        if views_table is not None:
            views.update(views_table)
        self.query_one("#about", Static).update(_about(self.entry))

    def action_open_fix(self) -> None:
        self.app.open_fix_tree(self.finding.id)  # type: ignore[attr-defined]


def _about(entry: Entry | None) -> str:
    if entry is None:
        return "[dim]The catalog has no entry for this check.[/dim]"
    parts = [
        f"[b]What it means[/b]\n{escape(entry.meaning)}",
        f"[b]Why it happens[/b]\n{escape(entry.mechanism)}",
        "[b]Confirm by hand[/b]\n" + "\n".join(f"• {escape(c)}" for c in entry.confirm),
        "[b]Docs[/b]\n" + "\n".join(f"• {escape(d.title)}: {escape(d.url)}" for d in entry.docs),
    ]
    return "\n\n".join(parts)
