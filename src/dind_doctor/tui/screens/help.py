"""Provides the help screen: every key binding of every screen."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static


def _rows(bindings: list[BindingType]) -> list[tuple[str, str]]:
    rows = []
    for b in bindings:
        if isinstance(b, Binding) and b.description:
            rows.append((b.key_display or b.key, b.description))
    return rows


class HelpScreen(ModalScreen[None]):
    """Key bindings, grouped by where they apply."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "app.pop_screen", "Close", show=False),
    ]

    def __init__(self, groups: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static("[b]dind-doctor keys[/b]  [dim](esc closes · mouse optional)[/dim]")
            table: DataTable[str] = DataTable(id="help-keys", show_cursor=False)
            yield table

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Where", key="where")
        table.add_column("Key", key="key")
        table.add_column("Action", key="action")
        for where, bindings in self.groups:
            for key, description in _rows(bindings):
                table.add_row(where, _key(key), description)


def _key(key: str) -> str:
    names = {"question_mark": "?", "slash": "/", "escape": "esc", "enter": "enter"}
    return ", ".join(names.get(k.strip(), k.strip()) for k in key.split(","))
