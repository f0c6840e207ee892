"""A file patch: its diff (redacted), and an atomic, backed-up, change-detecting apply."""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import os
import re
import stat
import tempfile

from ..records import field, record
from ..redact import REDACTED, is_secret_name, redact_text

BACKUP_SUFFIX = ".dind-doctor.bak"
_ASSIGNMENT = re.compile(r"""^(?P<head>[\s\-]*["']?(?P<key>[A-Za-z0-9_.\-]+)["']?\s*[:=]\s*)"""
                         r"(?P<value>\S.*)$")


class FixError(Exception):
    """A fix that cannot be computed or applied; the message says why."""


class FileChangedError(FixError):
    """The file on disk is not the one the patch was computed from."""


@record
class FileText:
    """A file's text as read for fixing: decoded, LF line endings, and how to write it back."""

    path: str
    text: str
    digest: str
    crlf: bool = False
    bom: bool = False

    def encode(self, text: str) -> bytes:
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return (("\ufeff" if self.bom else "") + text).encode("utf-8")


def read_file(path: str, *, limit: int = 2 * 1024 * 1024) -> FileText:
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise FixError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise FixError(f"{path} is too large to fix")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FixError(f"{path} is not UTF-8 text") from None
    bom = text.startswith("\ufeff")
    text = text.removeprefix("\ufeff")
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
    if crlf:
        text = text.replace("\r\n", "\n")
    return FileText(path, text, hashlib.sha256(data).hexdigest(), crlf, bom)


@record
class FilePatch:
    """The new text of one file and the findings it fixes."""

    source: FileText
    after: str
    changes: list[str] = field(default_factory=list)  # "privileged-missing: privileged = true"

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def changed(self) -> bool:
        return self.after != self.source.text

    def diff(self) -> str:
        """Unified diff; values of secret-named keys and credentials are redacted."""
        name = os.path.basename(self.path)
        lines = difflib.unified_diff(self.source.text.splitlines(keepends=True),
                                     self.after.splitlines(keepends=True),
                                     fromfile=f"a/{name}", tofile=f"b/{name}")
        out = []
        for line in lines:
            out.append(redact_diff_line(line))
            if not line.endswith("\n"):
                out.append("\n\\ No newline at end of file\n")
        return "".join(out)


def redact_diff_line(line: str) -> str:
    """Hide the value of ``token = ...``, ``password: ...`` and any credential in a line."""
    prefix, body = (line[0], line[1:]) if line[:1] in "+- " and not line.startswith(
        ("+++", "---", "@@")) else ("", line)
    match = _ASSIGNMENT.match(body.rstrip("\n"))
    if match and is_secret_name(match.group("key")):
        body = match.group("head") + REDACTED + ("\n" if body.endswith("\n") else "")
    return prefix + redact_text(body)


def apply_patch(patch: FilePatch, *, backup: bool = True) -> str | None:
    """Write the patch atomically; return the backup path. Refuse if the file changed."""
    path = patch.path
    try:
        with open(path, "rb") as handle:
            current = handle.read()
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError as exc:
        raise FixError(f"cannot re-read {path}: {exc.strerror or exc}") from None
    if hashlib.sha256(current).hexdigest() != patch.source.digest:
        raise FileChangedError(f"{path} changed since it was read; run the fix again")
    directory = os.path.dirname(os.path.abspath(path))
    backup_path = None
    if backup:
        backup_path = path + BACKUP_SUFFIX
        _write_atomic(backup_path, current, mode, directory)
    _write_atomic(path, patch.source.encode(patch.after), mode, directory)
    return backup_path


def _write_atomic(path: str, data: bytes, mode: int, directory: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".dind-doctor-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise FixError(f"cannot write {path}: {exc.strerror or exc}") from None
