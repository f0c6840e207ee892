"""Line breaking for the text renderers: prose follows the width, code never breaks.

Prose is wrapped at spaces only, and never inside a span a reader would paste: a
`backtick` span, a quoted string, a bracketed group (``[{name: docker:dind}]``) or a
``KEY: value`` pair. A fix of several lines is a snippet and is kept verbatim (only
an introducing prose line such as ``Add a shim:`` is wrapped). ``width=None`` means
no wrapping at all: the output of a pipe or a file keeps every line whole.
"""

from __future__ import annotations

import os
import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from typing import TextIO

_OPEN = {"[": "]", "{": "}"}
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*:$")


def terminal_width(stream: TextIO) -> int | None:
    """The width to wrap prose at: ``$COLUMNS``, else the terminal's, else None (no wrap)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if getattr(stream, "isatty", lambda: False)():
        import shutil

        return shutil.get_terminal_size().columns
    return None


def _atoms(text: str) -> list[str]:
    """Split prose at the spaces where a line may break."""
    atoms: list[str] = []
    current: list[str] = []
    closers: list[str] = []
    quote = ""
    for word in text.split(" "):
        current.append(word)
        for i, ch in enumerate(word):
            if quote:
                if ch == quote:
                    quote = ""
            elif ch == "`" or (ch in "'\"" and (i == 0 or not word[i - 1].isalnum())):
                quote = ch
            elif ch in _OPEN:
                closers.append(_OPEN[ch])
            elif closers and ch == closers[-1]:
                closers.pop()
        if quote or closers or _KEY.match(word):
            continue
        atoms.append(" ".join(current))
        current = []
    if current:
        atoms.append(" ".join(current))
    return [a for a in atoms if a]


def wrap_prose(text: str, width: int | None, indent: str, hanging: str | None = None) -> list[str]:
    """Lines of ``text`` after ``indent``; continuation lines start with ``hanging``."""
    rest = indent if hanging is None else hanging
    if width is None:
        return [indent + text]
    lines: list[str] = []
    line = ""
    for atom in _atoms(text):
        if not line:
            line = (rest if lines else indent) + atom
        elif len(line) + 1 + len(atom) > width:
            lines.append(line)
            line = rest + atom
        else:
            line += " " + atom
    lines.append(line or indent)
    return lines


def _is_intro(line: str) -> bool:
    return line.endswith(":") and " " in line and line[:1].isupper()


def fix_lines(fix: str, width: int | None, indent: str) -> list[str]:
    """A fix as lines: one prose line is wrapped; a snippet is kept exactly as written."""
    parts = fix.splitlines()
    if len(parts) == 1:
        return wrap_prose(parts[0], width, indent)
    lines: list[str] = []
    if _is_intro(parts[0]):
        lines += wrap_prose(parts.pop(0), width, indent)
    lines += [indent + part if part else "" for part in parts]
    return lines
