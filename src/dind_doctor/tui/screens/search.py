"""Provides symptom search: paste an error line, land on the catalog entry and node."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from ...catalog import SymptomMatch, load_catalog


class SearchScreen(Screen[None]):
    """An input for the error line and the ranked entries it points to."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("down", "focus_results", "Results", show=False),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.query_text = query
        self.matches: list[SymptomMatch] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Paste an error line from the job log:", id="search-help")
        yield Input(self.query_text, placeholder="e.g. Cannot connect to the Docker daemon at "
                    "tcp://docker:2375", id="search-input")
        yield OptionList(id="search-results")
        yield Static(id="search-status")
        yield Footer()

    def on_mount(self) -> None:
        self._update(self.query_text)
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._update(event.value)

    def on_input_submitted(self) -> None:
        if self.matches:
            self._open(self.matches[0])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._open(self.matches[event.option_index])

    def action_focus_results(self) -> None:
        self.query_one(OptionList).focus()

    def _update(self, text: str) -> None:
        self.matches = load_catalog().match_error_line(text)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([
            Option(f"[b]{escape(m.entry.title)}[/b]  [dim]{m.entry.id}[/dim]\n"
                   f"  matches: {escape(m.symptom.match)}  →  {escape(m.node.title)}")
            for m in self.matches
        ])
        if self.matches:
            options.highlighted = 0
        status = (f"{len(self.matches)} matching entr{'y' if len(self.matches) == 1 else 'ies'}"
                  " · enter opens the best one · ↓ to choose"
                  if self.matches else ("No catalog entry matches." if text.strip() else ""))
        self.query_one("#search-status", Static).update(status)

    def _open(self, match: SymptomMatch) -> None:
        self.app.open_fix_tree(match.entry.id, node_id=match.node.id)  # type: ignore[attr-defined]
