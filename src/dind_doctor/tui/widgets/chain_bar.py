"""Provides the chain bar: every link of the DinD chain with its state."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widgets import Static

from ...model import CHAIN, Finding, Link, Report
from ..glyphs import GLYPH, PENDING, SPINNER, worst


class ChainBar(Static):
    """``✓runner›✓job›✗name›–port…``: one glyph per link, the first broken one highlighted."""

    DEFAULT_CSS = """
    ChainBar { height: auto; padding: 0 1; }
    """

    WIDE = 100
    """From this width on, links are spaced (`✓ runner › ✓ job`); below, packed."""

    _last: Callable[[], None] | None = None
    """Redraws the last state (the spacing depends on the width)."""

    @property
    def _wide(self) -> bool:
        return self.size.width >= self.WIDE

    @property
    def _separator(self) -> str:
        return " › " if self._wide else "›"

    def _link(self, glyph: str, link: Link) -> str:
        return f"{glyph} {link.value}" if self._wide else f"{glyph}{link.value}"

    def on_resize(self) -> None:
        if self._last is not None:
            self._last()

    def show_report(self, report: Report) -> None:
        self._last = lambda: self.show_report(report)
        head = report.headline
        text = Text()
        for i, link in enumerate(CHAIN):
            status = worst([f for f in report.findings if f.link == link])
            glyph = PENDING if status is None else GLYPH[status]
            style = _style(status.value if status else "pending", head, link)
            if i:
                text.append(self._separator, style="dim")
            text.append(self._link(glyph, link), style=style)
        self.update(text)

    def show_probing(self, running: set[str], frame: int) -> None:
        self._last = lambda: self.show_probing(running, frame)
        text = Text()
        spin = SPINNER[frame % len(SPINNER)]
        for i, link in enumerate(CHAIN):
            if i:
                text.append(self._separator, style="dim")
            busy = link.value in running
            text.append(self._link(spin if busy else PENDING, link),
                        style="bold" if busy else "dim")
        self.update(text)


def _style(status: str, head: Finding | None, link: Link) -> str:
    if head is not None and head.link == link:
        return "bold reverse"
    return {"fail": "bold", "error": "bold", "warn": "bold", "skip": "dim",
            "pending": "dim"}.get(status, "")
