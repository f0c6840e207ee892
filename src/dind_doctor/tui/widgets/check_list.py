"""Provides the checklist: probes while they run, then one row per finding."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from ...model import Report
from ..glyphs import GLYPH, SPINNER

PROBE_PREFIX = "probe:"


class CheckList(DataTable[Text | str]):
    """A table of checks; row keys are finding ids (or ``probe:<name>`` while probing)."""

    DEFAULT_CSS = """
    CheckList { height: 1fr; overflow-x: hidden; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [  # rows, not the table's sideways scroll
        Binding("home", "scroll_top", "First check", show=False),
        Binding("end", "scroll_bottom", "Last check", show=False),
    ]

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = False
        self.add_column(" ", key="status", width=1)
        self.add_column("Check", key="check", width=30)
        self.add_column("Result", key="result")

    def on_resize(self, _event: events.Resize) -> None:
        """Keep the cursor row in view when the list changes size (the headline above it
        grows once the report arrives, after the cursor was placed)."""
        self.call_after_refresh(self._scroll_cursor_into_view, animate=False)

    @property
    def selected_id(self) -> str | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return None if key is None or key.startswith(PROBE_PREFIX) else key

    def show_probes(self, probes: dict[str, tuple[float, float | None]], now: float,
                    frame: int) -> None:
        """``probes``: name -> (started, finished or None)."""
        self.clear()
        for name, (started, finished) in probes.items():
            glyph = "✓" if finished is not None else SPINNER[frame % len(SPINNER)]
            took = (finished if finished is not None else now) - started
            state = "done" if finished is not None else "probing…"
            self.add_row(glyph, f"probe {name}", f"{state} {took:.1f} s", key=PROBE_PREFIX + name)

    def show_report(self, report: Report, keep: str | None = None) -> None:
        """Fill in the findings; put the cursor on ``keep`` (else the headline, else the top)."""
        self.clear()
        for f in report.findings:
            status = Text(GLYPH[f.status], style=_STYLE[f.status.value])
            self.add_row(status, f.title, f.summary, key=f.id)
        ids = [f.id for f in report.findings]
        head = report.headline
        target = keep if keep in ids else (head.id if head else None)
        if target is not None:
            row = ids.index(target)
            self.move_cursor(row=row, animate=False)
            self.call_after_refresh(self.move_cursor, row=row, animate=False, scroll=True)


_STYLE = {"ok": "green", "info": "blue", "warn": "yellow", "fail": "bold red", "skip": "dim",
          "error": "bold magenta"}
