"""Terminal styling for the text renderers; honours NO_COLOR and non-terminal output."""

from __future__ import annotations

import os

from ..model import Status

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from typing import TextIO

SYMBOLS = {
    Status.OK: "✓", Status.INFO: "i", Status.WARN: "!", Status.FAIL: "✗",
    Status.SKIP: "-", Status.ERROR: "?",
}
_COLORS = {
    Status.OK: "32", Status.INFO: "36", Status.WARN: "33", Status.FAIL: "31",
    Status.SKIP: "2", Status.ERROR: "35",
}


def use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


class Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def status(self, status: Status, text: str) -> str:
        return self._wrap(_COLORS[status], text)

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)
