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
        Binding("c", "copy", "Copy"),
        Binding("s", "save", "Save"),
        Binding("tab", "next_snippet", "Next snippet"),
        Binding("shift+tab", "previous_snippet", "Previous snippet", show=False),
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
                f"[dim]↑↓ choose · enter open/close · {legend} · tab picks a snippet · "
                "c copies it · s saves[/dim]")

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
        """The snippet in front of the user: the focused one, else the first one in view."""
        if isinstance(self.focused, SnippetView):
            return self.focused
        detail = self.query_one(FixDetail)
        views = detail.snippets
        top, bottom = detail.scroll_y, detail.scroll_y + detail.scrollable_content_region.height
        in_view = [v for v in views
                   if v.virtual_region.y < bottom and v.virtual_region.bottom > top]
        return next(iter(in_view or views), None)

    def _cycle(self, step: int) -> None:
        views = self.query_one(FixDetail).snippets
        if not views:
            self.notify("This step has no snippet: choose a fix (a ▸ leaf).", severity="warning")
            return
        current = self.focused if isinstance(self.focused, SnippetView) else None
        index = (views.index(current) + step) % len(views) if current in views else (
            0 if step > 0 else len(views) - 1)
        views[index].focus()
        views[index].scroll_visible(animate=False)

    def action_next_snippet(self) -> None:
        self._cycle(1)

    def action_previous_snippet(self) -> None:
        self._cycle(-1)

    def action_copy(self) -> None:
        view = self._snippet()
        if view is None:
            self.notify("Choose a fix (a ▸ leaf) to copy its snippet.", severity="warning")
            return
        text = view.selected_text or view.snippet.code
        self.app.copy_to_clipboard(text)
        others = len(self.query_one(FixDetail).snippets) - 1
        more = f" · tab picks one of the {others + 1}" if others else ""
        self.notify(escape(f"{view.snippet.filename} snippet (OSC 52){more}"),
                    title="Copied", timeout=3)

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
                path = directory / snippet_file_name(self.entry.id, node.id, snippet.filename)
                path.write_text(snippet.code, encoding="utf-8")
                written.append(str(path.resolve()))
        except OSError as exc:
            self.notify(f"Cannot write into {directory}: {exc.strerror}", severity="error")
            return
        self.notify(escape("\n".join(written)), title="Saved", timeout=6)


def snippet_file_name(entry_id: str, node_id: str, filename: str) -> str:
    """``dind-doctor-fix-<entry>-<node>-gitlab-ci.yml``: no hidden file, no double dot."""
    return f"dind-doctor-fix-{entry_id}-{node_id}-{filename.lstrip('.')}"


def start_node(tree: FixNode, node_id: str | None, situation: Collection[str]) -> FixNode:
    """Where the tree opens: see :class:`FixTreeScreen`."""
    chosen = tree.find(node_id) if node_id else None
    if chosen is None:
        return tree.fix_for(situation)
    if chosen.is_fix:
        return chosen
    return chosen.matching_fix(situation) or chosen
