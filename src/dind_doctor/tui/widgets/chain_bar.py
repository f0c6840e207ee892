"""Provides the chain bar: every link of the DinD chain with its state."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...model import CHAIN, Finding, Link, Report
from ..glyphs import GLYPH, PENDING, SPINNER, worst


class ChainBar(Static):
    """``✓runner›✓job›✗name›–port…``: one glyph per link, the first broken one highlighted."""

    DEFAULT_CSS = """
    ChainBar { height: auto; padding: 0 1; }
    """

    def show_report(self, report: Report) -> None:
        head = report.headline
        text = Text()
        for i, link in enumerate(CHAIN):
            status = worst([f for f in report.findings if f.link == link])
            glyph = PENDING if status is None else GLYPH[status]
            style = _style(status.value if status else "pending", head, link)
            if i:
                text.append("›", style="dim")
            text.append(f"{glyph}{link.value}", style=style)
        self.update(text)

    def show_probing(self, running: set[str], frame: int) -> None:
        text = Text()
        spin = SPINNER[frame % len(SPINNER)]
        for i, link in enumerate(CHAIN):
            if i:
                text.append("›", style="dim")
            busy = link.value in running
            text.append(f"{spin if busy else PENDING}{link.value}", style="bold" if busy else "dim")
        self.update(text)


def _style(status: str, head: Finding | None, link: Link) -> str:
    if head is not None and head.link == link:
        return "bold reverse"
    return {"fail": "bold", "error": "bold", "warn": "bold", "skip": "dim",
            "pending": "dim"}.get(status, "")
