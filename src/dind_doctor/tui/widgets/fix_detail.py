"""Provides the detail pane of a fix-tree node: text, steps and copyable snippets."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Label, Static, TextArea

from ...catalog import FixNode, Snippet


class SnippetView(TextArea):
    """A read-only, selectable view of one snippet (the fallback when OSC 52 copy fails)."""

    DEFAULT_CSS = """
    SnippetView {
        height: auto; max-height: 14; margin-bottom: 1; border: none; padding: 0 1;
        background: $boost;
    }
    """

    def __init__(self, snippet: Snippet) -> None:
        super().__init__(snippet.code, read_only=True, soft_wrap=False, show_line_numbers=False)
        self.snippet = snippet


class FixDetail(VerticalScroll):
    """Shows the highlighted node; for a fix leaf, its steps and snippets."""

    DEFAULT_CSS = """
    FixDetail { padding: 0 1; }
    FixDetail .title { text-style: bold; margin-bottom: 1; }
    FixDetail .steps { margin-bottom: 1; }
    FixDetail .target { color: $text-muted; }
    """

    node: FixNode | None = None

    async def show(self, node: FixNode, path: list[str] | None = None) -> None:
        """Show ``node``; ``path`` holds the titles of the choices that lead to it."""
        self.node = node
        await self.remove_children()
        title = " › ".join([*(path or []), node.title])
        widgets: list[Static | Label | SnippetView] = [
            Static(title, classes="title", markup=False)]
        if node.text:
            widgets.append(Static(node.text, classes="steps", markup=False))
        if node.is_fix:
            steps = "\n".join(f"{i}. {s}" for i, s in enumerate(node.steps, 1))
            widgets.append(Static(steps, classes="steps", markup=False))
            for snippet in node.snippets:
                widgets.append(Label(f"→ {snippet.filename}", classes="target", markup=False))
                widgets.append(SnippetView(snippet))
        else:
            choices = "\n".join(f"• {c.title}" for c in node.children)
            widgets.append(Static(f"Choose your situation:\n{choices}", markup=False))
        await self.mount_all(widgets)
        self.scroll_home(animate=False)

    @property
    def snippets(self) -> list[SnippetView]:
        return list(self.query(SnippetView))
