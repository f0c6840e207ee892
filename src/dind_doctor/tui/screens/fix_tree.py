"""Provides the guided fix screen: walk situation → cause → fix, then copy or save."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Static, Tree

from ...catalog import Entry, FixNode
from ...model import Finding, Report
from ..glyphs import GLYPH
from ..widgets.fix_detail import FixDetail, SnippetView
from ..widgets.fix_tree import FixTree
from .apply_fix import OffersPatch


class FixTreeScreen(OffersPatch):
    """The catalog's fix tree for one finding id, opened on the most likely fix.

    ``node_id`` (from symptom search) wins; a branch is opened on the fix below it that the
    job's ``situation`` (tags, see :mod:`dind_doctor.tui.situation`) matches, if any. Without
    ``node_id`` the tree opens on :meth:`~dind_doctor.catalog.FixNode.fix_for` the situation,
    which falls back to the recommended fix.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "Copy snippet"),
        Binding("s", "save", "Save snippet"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, entry: Entry, finding: Finding | None, node_id: str | None = None,
                 situation: Collection[str] = ()) -> None:
        super().__init__()
        self.entry = entry
        self.finding = finding
        self.situation = frozenset(situation)
        self.start = start_node(entry.fix_tree, node_id, self.situation).id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._title(), id="fix-title")
        with Horizontal(id="fix-body"):
            yield FixTree(self.entry.fix_tree, self.situation, id="fix-tree")
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
        self.update_patch_offer()

    @property
    def patch_finding_id(self) -> str | None:
        return self.finding.id if self.finding is not None else None

    def _title(self) -> str:
        status = f"{GLYPH[self.finding.status]} " if self.finding else ""
        matched = any(n.matches(self.situation) for n in self.entry.fix_tree.walk())
        legend = f"★ recommended{f' · {FixTree.MATCH} this job' if matched else ''}"
        return (f"[b]{status}{escape(self.entry.title)}[/b]  [dim]{self.entry.id}[/dim]\n"
                f"[dim]↑↓ choose · enter open/close · {legend} · c copy · s save[/dim]")

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


def start_node(tree: FixNode, node_id: str | None, situation: Collection[str]) -> FixNode:
    """Where the tree opens: see :class:`FixTreeScreen`."""
    chosen = tree.find(node_id) if node_id else None
    if chosen is None:
        return tree.fix_for(situation)
    if chosen.is_fix:
        return chosen
    return chosen.matching_fix(situation) or chosen
