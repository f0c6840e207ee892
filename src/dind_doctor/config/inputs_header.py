"""A ``spec: inputs:`` header (CI/CD components, pipeline inputs) read as GitLab would.

Such a file is two YAML documents: the header, ``---``, then the configuration, which uses
``$[[ inputs.name ]]``. For the file checks the header is blanked (line numbers stay) and each
block is replaced by its input's default when the default reads the same in any YAML position
(a number, a boolean, a word such as ``docker:29-dind``); other blocks stay as written.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

_SEPARATOR = re.compile(r"^---[ \t]*$", re.MULTILINE)
_BLOCK = re.compile(r"\$\[\[\s*inputs\.([\w-]+)\s*\]\]")
_PLAIN = re.compile(r"[\w.:/@=+-]+")


def strip_inputs_header(text: str) -> tuple[str, list[str]]:
    """``text`` without its ``spec:`` header, defaults filled in, and notes on what was not."""
    found = _SEPARATOR.search(text)
    if not found:
        return text, []
    header = text[:found.start()]
    try:
        spec = YAML(typ="safe").load(header)
    except (YAMLError, RecursionError, ValueError, TypeError):
        return text, []  # not a header: the YAML parser reports the file as it is
    if not isinstance(spec, dict) or set(spec) != {"spec"} or not isinstance(spec["spec"], dict):
        return text, []
    inputs = spec["spec"].get("inputs") or {}
    if not isinstance(inputs, dict):
        inputs = {}
    defaults = {name: _as_text(opts.get("default")) for name, opts in inputs.items()
                if isinstance(opts, dict) and "default" in opts}
    body = text[found.end():]
    kept: set[str] = set()

    def fill(match: re.Match[str]) -> str:
        value = defaults.get(match.group(1))
        if value is None:
            kept.add(match.group(1))
            return match.group(0)
        return value

    blank = "\n" * header.count("\n")
    body = _BLOCK.sub(fill, body)
    notes = []
    if kept:
        notes.append("spec:inputs without a plain default, read as written: "
                     + ", ".join(f"$[[ inputs.{name} ]]" for name in sorted(kept)))
    return blank + body, notes


def _as_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str) and _PLAIN.fullmatch(value) and not value.startswith(("-", "@")):
        return value
    return None
