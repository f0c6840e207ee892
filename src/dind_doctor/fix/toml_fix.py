"""Edits of a runner ``config.toml`` through tomlkit (which keeps comments and layout), with
new lines indented like their neighbours."""

from __future__ import annotations

import difflib
import re
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError

from .guard import unexpected_changes
from .patch import FixError

_HEADER = re.compile(r"^(\s*)\[")
_KEY = re.compile(r"^(\s*)[A-Za-z0-9_\-\"']+\s*=")


class TomlEditor:
    """Accumulates edits on one TOML document; :meth:`text` renders and verifies them."""

    def __init__(self, text: str) -> None:
        self.before = text
        try:
            self.doc = tomlkit.parse(text)
        except (TOMLKitError, ValueError) as exc:
            raise FixError(f"the TOML does not parse: {exc}") from None
        self.allowed: set[str] = set()

    def runner(self, index: int) -> Any:
        runners = self.doc.get("runners")
        if not isinstance(runners, list) or index >= len(runners):
            raise FixError(f"no [[runners]] number {index + 1}")
        return runners[index]

    def section(self, index: int, name: str) -> Any:
        runner = self.runner(index)
        if name not in runner:
            runner[name] = tomlkit.table()
        return runner[name]

    def set_key(self, index: int, section: str, key: str, value: Any) -> None:
        table = self.section(index, section)
        table[key] = value
        self.allowed.add(key)

    def append_to_array(self, index: int, section: str, key: str, value: str) -> None:
        table = self.section(index, section)
        if key not in table:
            table[key] = [value]
        elif isinstance(table[key], list):
            if value not in table[key]:
                table[key].append(value)
        else:
            raise FixError(f"[runners.{section}] {key} is not an array")
        self.allowed.add(key)

    def add_k8s_empty_dir(self, index: int, name: str, mount_path: str) -> None:
        kube = self.section(index, "kubernetes")
        if "volumes" not in kube:
            kube["volumes"] = tomlkit.table()
        volumes = kube["volumes"]
        entry = tomlkit.table()
        entry["name"] = name
        entry["mount_path"] = mount_path
        entry["medium"] = "Memory"
        if "empty_dir" in volumes:
            volumes["empty_dir"].append(entry)
        else:
            array = tomlkit.aot()
            array.append(entry)
            volumes["empty_dir"] = array
        self.allowed.update({"volumes", "empty_dir"})

    def text(self) -> str:
        after = reindent_inserted(self.before, tomlkit.dumps(self.doc))
        try:
            old = tomlkit.parse(self.before).unwrap()
            new = tomlkit.parse(after).unwrap()
        except (TOMLKitError, ValueError) as exc:
            raise FixError(f"the edited TOML does not parse: {exc}") from None
        stray = unexpected_changes(old, new, self.allowed)
        if stray:
            raise FixError(f"refused: the edit would also change {['.'.join(p) for p in stray]}")
        return after


def reindent_inserted(before: str, after: str) -> str:
    """Give lines tomlkit inserted the indentation of the lines around them."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    inserted: set[int] = set()
    for tag, _, _, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("insert", "replace"):
            inserted.update(range(j1, j2))
    out: list[str] = []
    for index, line in enumerate(new):
        if index in inserted and line.strip():
            out.append(_indent_like(out, line.lstrip(" \t")))
        else:
            out.append(line)
    return "".join(out)


def _indent_like(previous: list[str], line: str) -> str:
    is_header = line.startswith("[")
    if not is_header and not _KEY.match(line):  # an array element: like the line above
        for earlier in reversed(previous):
            if earlier.strip():
                return earlier[:len(earlier) - len(earlier.lstrip(" "))] + line
        return line
    for earlier in reversed(previous):
        if not earlier.strip() or earlier.lstrip().startswith("#"):
            continue
        header = _HEADER.match(earlier)
        indent = len(earlier) - len(earlier.lstrip(" "))
        if header:
            nested = earlier.strip().startswith("[[runners]]") or not is_header
            return " " * (indent + (2 if nested else 0)) + line
        if _KEY.match(earlier) and not is_header:
            return " " * indent + line
        if _KEY.match(earlier) and is_header:
            return " " * max(indent - 2, 0) + line
    return line
