"""Provides the guided fix tree: a Textual Tree typed over the catalog's fix nodes."""

from __future__ import annotations

from collections.abc import Collection

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...catalog import FixNode


class FixTree(Tree[FixNode]):
    """Situations (branches) down to fixes (leaves); recommended choices are starred, and
    choices meant for the job's situation (their ``when`` tags) carry a dot."""

    DEFAULT_CSS = """
    FixTree { width: 40; border-right: vkey $foreground 30%; padding-right: 1; }
    """

    MATCH = "●"

    def __init__(self, root: FixNode, situation: Collection[str] = (), **kwargs: object) -> None:
        self.situation = frozenset(situation)
        super().__init__(self._label(root), data=root, **kwargs)  # type: ignore[arg-type]
        self.guide_depth = 3
        self._add_fix_nodes(self.root, root)
        self.root.expand()

    def _add_fix_nodes(self, parent: TreeNode[FixNode], node: FixNode) -> None:
        for child in node.children:
            if child.is_fix:
                parent.add_leaf(self._label(child), data=child)
            else:
                self._add_fix_nodes(parent.add(self._label(child), data=child), child)

    def focus_node(self, node_id: str) -> None:
        """Expand the path to ``node_id`` and put the cursor on it."""
        target = self._find(self.root, node_id)
        if target is None:
            return
        parent = target.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        self.call_after_refresh(self.move_cursor, target, animate=False)

    def _find(self, tree_node: TreeNode[FixNode], node_id: str) -> TreeNode[FixNode] | None:
        if tree_node.data is not None and tree_node.data.id == node_id:
            return tree_node
        for child in tree_node.children:
            found = self._find(child, node_id)
            if found is not None:
                return found
        return None

    def _label(self, node: FixNode) -> Text:
        text = Text("▸ " if node.is_fix else "", style="bold" if node.is_fix else "")
        text.append(node.title)
        if node.recommended:
            text.append(" ★", style="bold")
        if node.matches(self.situation):
            text.append(f" {self.MATCH}", style="bold")
        return text
