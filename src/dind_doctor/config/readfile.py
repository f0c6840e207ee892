"""Bounded, decoded reads of the config files (sync; they are small local files)."""

from __future__ import annotations

import os
import stat

from ..records import record

MAX_BYTES = 2 * 1024 * 1024  # a CI file or config.toml larger than this is not a real one


@record
class FileText:
    """The text of a file, or why it could not be read."""

    path: str
    text: str = ""
    data: bytes = b""
    found: bool = False
    error: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


def read_text(path: str, *, limit: int = MAX_BYTES) -> FileText:
    """Read at most ``limit`` bytes of UTF-8 text; every failure becomes ``error``."""
    result = FileText(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        result.error = "file not found"
        return result
    except OSError as exc:
        result.error = f"cannot stat: {exc.strerror or exc}"
        return result
    if not stat.S_ISREG(st.st_mode):
        result.error = "not a regular file"
        return result
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        result.error = f"cannot read: {exc.strerror or exc}"
        return result
    result.found = True
    if len(data) > limit:
        result.error = f"file is larger than {limit // 1024} KiB; not parsed"
        result.data = data[:0]
        return result
    result.data = data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        result.error = f"not UTF-8 text (byte {exc.start})"
        return result
    if "\x00" in text:
        result.error = "binary file (NUL bytes)"
        return result
    result.text = text.removeprefix("\ufeff")
    return result
