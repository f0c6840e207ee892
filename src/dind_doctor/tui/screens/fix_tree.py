"""Provides the guided fix screen: walk situation → cause → fix, then copy or save."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, Tree

from ...catalog import Entry, FixNode
from ...model import Finding, Report
from ..glyphs import GLYPH
from ..widgets.fix_detail import FixDetail, SnippetView
from ..widgets.fix_tree import FixTree


class FixTreeScreen(Screen[None]):
    """The catalog's fix tree for one finding id, opened on the most likely fix."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "Copy snippet"),
        Binding("s", "save", "Save snippet"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, entry: Entry, finding: Finding | None, node_id: str | None = None) -> None:
        super().__init__()
        self.entry = entry
        self.finding = finding
        self.start = node_id or entry.fix_tree.first_fix().id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._title(), id="fix-title")
        with Horizontal(id="fix-body"):
            yield FixTree(self.entry.fix_tree, id="fix-tree")
            yield FixDetail(id="fix-detail")
        yield Footer()

    NARROW = 110
    """Below this width the tree sits above the detail instead of beside it."""

    def on_resize(self) -> None:
        self.query_one("#fix-body").set_class(self.size.width < self.NARROW, "-narrow")

    def on_mount(self) -> None:
        self.on_resize()
        tree = self.query_one(FixTree)
        tree.focus_node(self.start)
        tree.focus()

    def _title(self) -> str:
        status = f"{GLYPH[self.finding.status]} " if self.finding else ""
        return (f"[b]{status}{escape(self.entry.title)}[/b]  [dim]{self.entry.id}[/dim]\n"
                f"[dim]↑↓ choose · enter open/close · ★ recommended · c copy · s save[/dim]")

    def refresh_report(self, report: Report) -> None:
        self.finding = next((f for f in report.findings if f.id == self.entry.id), None)
        self.query_one("#fix-title", Static).update(self._title())

    async def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[FixNode]) -> None:
        if event.node.data is not None:
            path = self.entry.fix_tree.path_to(event.node.data.id)
            await self.query_one(FixDetail).show(event.node.data, [n.title for n in path[1:-1]])

    @property
    def current(self) -> FixNode | None:
        return self.query_one(FixDetail).node

    def _snippet(self) -> SnippetView | None:
        focused = self.focused
        if isinstance(focused, SnippetView):
            return focused
        views = self.query_one(FixDetail).snippets
        return views[0] if views else None

    def action_copy(self) -> None:
        view = self._snippet()
        if view is None:
            self.notify("Choose a fix (a ▸ leaf) to copy its snippet.", severity="warning")
            return
        text = view.selected_text or view.snippet.code
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied the {view.snippet.filename} snippet (OSC 52). If your terminal "
                    "does not support it, select the text in the view or press s to save.",
                    title="Copied")

    def action_save(self) -> None:
        node = self.current
        if node is None or not node.snippets:
            self.notify("Choose a fix (a ▸ leaf) to save its snippets.", severity="warning")
            return
        directory: Path = self.app.export_dir  # type: ignore[attr-defined]
        written = []
        try:
            directory.mkdir(parents=True, exist_ok=True)
            for snippet in node.snippets:
                path = directory / f"dind-doctor-fix-{self.entry.id}-{node.id}.{snippet.filename}"
                path.write_text(snippet.code, encoding="utf-8")
                written.append(path.name)
        except OSError as exc:
            self.notify(f"Cannot write into {directory}: {exc.strerror}", severity="error")
            return
        self.notify("Saved " + ", ".join(written) + f" in {directory}", title="Saved")
