"""Line-level edits of YAML files: only the lines a fix names change, byte for byte.

ruamel.yaml's dump would re-flow quoting and indentation, so edits are made on the text at
the lines the parser reported, then the result is re-parsed and compared with the original
(:mod:`.guard`): any change outside the intended keys refuses the fix.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from ruamel.yaml.error import YAMLError

from ..config.ci_yaml import TooComplex, load_yaml, plain
from .guard import unexpected_changes
from .patch import FixError


def plain_yaml(text: str) -> Any:
    """The document as plain data, service strings normalised to ``{"name": ...}``."""
    try:
        root, _ = load_yaml(text)
        return _normalise(plain(root))
    except (YAMLError, RecursionError, TooComplex, ValueError) as exc:
        raise FixError(f"the YAML does not parse: {type(exc).__name__}") from None


def _normalise(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _normalise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        if key == "services":
            return [{"name": v} if isinstance(v, str) else _normalise(v) for v in value]
        return [_normalise(v) for v in value]
    return value


def quote(value: str) -> str:
    """A double-quoted YAML scalar (JSON string syntax is valid YAML)."""
    return json.dumps(value)


class YamlEditor:
    """Collects line edits (by 1-based line number) and applies them bottom-up."""

    def __init__(self, text: str) -> None:
        self.before = text
        self.lines = text.splitlines(keepends=True)
        self.edits: dict[int, list[str]] = {}  # 0-based line -> replacement lines
        self.inserts: dict[int, list[str]] = {}  # insert before this 0-based line
        self.allowed: set[str] = set()

    def _line(self, number: int | None) -> str:
        if number is None or not 1 <= number <= len(self.lines):
            raise FixError("the line to edit is not known (a value from an anchor or include?)")
        return self.edits.get(number - 1, [self.lines[number - 1]])[0]

    def replace_in_value(self, number: int | None, key: str, old: str, new: str) -> None:
        """On ``key: value`` at line ``number``, replace ``old`` by ``new`` inside the value."""
        line = self._line(number)
        match = re.search(rf"""(^|[\s{{,\-])["']?{re.escape(key)}["']?\s*:\s*""", line)
        if not match:
            raise FixError(f"line {number} does not hold {key}:")
        head, value = line[:match.end()], line[match.end():]
        if old not in value:
            raise FixError(f"line {number}: {key} does not contain {old!r}")
        assert number is not None
        self.edits[number - 1] = [head + value.replace(old, new, 1)]
        self.allowed.add(key)

    def insert_variables(self, anchor_line: int | None, anchor_key: str | None,
                         job_line: int | None, values: dict[str, str]) -> None:
        """Add ``KEY: "value"`` lines next to an existing variable, or a new variables: block."""
        if anchor_line is not None and anchor_key is not None:
            line = self._line(anchor_line)
            match = re.match(rf"""^(\s*)["']?{re.escape(anchor_key)}["']?\s*:""", line)
            if not match or "{" in line[:match.start(0) + 1]:
                raise FixError(f"line {anchor_line}: variables are not in block style")
            indent = match.group(1)
            new = [f"{indent}{k}: {quote(v)}\n" for k, v in values.items()]
            self.inserts.setdefault(anchor_line - 1, []).extend(new)
        else:
            line = self._line(job_line)
            if not re.match(r"^[^\s#][^{}\[\]]*:\s*(&\S+\s*)?(#.*)?$", line.rstrip("\n")):
                raise FixError(f"line {job_line}: the job is not a block mapping")
            assert job_line is not None
            indent = self._child_indent(job_line)
            new = [f"{indent}variables:\n"] + [f"{indent}  {k}: {quote(v)}\n"
                                               for k, v in values.items()]
            self.inserts.setdefault(job_line, []).extend(new)
        self.allowed.update({*values, "variables"})

    def _child_indent(self, parent_line: int) -> str:
        for line in self.lines[parent_line:]:
            if line.strip() and not line.lstrip().startswith("#"):
                indent = line[:len(line) - len(line.lstrip(" "))]
                return indent or "  "
        return "  "

    def add_service_key(self, number: int | None, image: str, string_form: bool, key: str,
                        value: str) -> None:
        """Give a service a new key (``alias: docker``, ``command: [...]``)."""
        line = self._line(number)
        assert number is not None
        if string_form:
            match = re.match(rf"""^(\s*)-(\s+)(["']?){re.escape(image)}\3(\s+#.*)?\s*$""",
                             line.rstrip("\n"))
            if not match:
                raise FixError(f"line {number}: the service is not a block list item")
            indent, gap, q = match.group(1), match.group(2), match.group(3)
            comment = match.group(4) or ""
            inner = " " * (len(indent) + 1 + len(gap))
            self.edits[number - 1] = [f"{indent}-{gap}name: {q}{image}{q}{comment}\n",
                                      f"{inner}{key}: {value}\n"]
        else:
            match = re.match(r"^(\s*(?:-\s+)?)name\s*:", line)
            if not match or "{" in line:
                raise FixError(f"line {number}: the service is not a block mapping")
            column = " " * len(match.group(1))
            self.inserts.setdefault(number, []).insert(0, f"{column}{key}: {value}\n")
        self.allowed.add(key)

    def text(self) -> str:
        lines = list(self.lines)
        if lines and not lines[-1].endswith("\n") and any(i >= len(lines) for i in self.inserts):
            lines[-1] += "\n"
        positions = sorted(set(self.edits) | set(self.inserts), reverse=True)
        for index in positions:
            if index in self.edits:
                lines[index:index + 1] = self.edits[index]
            if index in self.inserts:
                lines[index:index] = self.inserts[index]
        after = "".join(lines)
        stray = unexpected_changes(plain_yaml(self.before), plain_yaml(after), self.allowed)
        if stray:
            raise FixError(f"refused: the edit would also change {['.'.join(p) for p in stray]}")
        return after


def replace_block(values_text: str, offset: int, old: str, new: str) -> str:
    """Put an edited ``runners.config`` TOML back into a Helm values file, touching only the
    lines that changed (indented like the block)."""
    lines = values_text.splitlines(keepends=True)
    block = lines[offset:offset + len(old.splitlines())]
    indent = next((line[:len(line) - len(line.lstrip(" "))] for line in block if line.strip()),
                  "    ")
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        fresh = [(indent + line if line.strip() else line) for line in new_lines[j1:j2]]
        lines[offset + i1:offset + i2] = fresh
    return "".join(lines)
