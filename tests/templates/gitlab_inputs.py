"""GitLab's ``spec:inputs`` header and ``$[[ inputs.name ]]`` interpolation, as documented.

What GitLab does when a file with a header is included (``include: component:`` or any
``include:`` with ``inputs:``), and what this module reproduces:

* The file is two YAML documents: the header (``spec:`` with ``inputs:``, nothing else),
  ``---``, then the configuration.
* Each input may have ``default``, ``description``, ``type`` (``string`` when absent,
  ``number``, ``boolean``, ``array``), ``options`` and ``regex``. An input without
  ``default`` is mandatory; an argument the header does not declare is an error; a value of
  the wrong type, outside ``options`` or not matching ``regex`` is an error.
* Interpolation happens after the configuration is parsed, on every key and value: a string
  that is exactly one ``$[[ inputs.x ]]`` block is replaced by the value with its type
  (a ``boolean`` input becomes a YAML boolean); a block inside a longer string is replaced
  by the value's text (``true``, ``60``). A block naming anything but a declared input is
  an error. Functions (``| expand_vars``, ...) are not used by the templates and rejected.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML

BLOCK = re.compile(r"\$\[\[\s*(.*?)\s*\]\]")
KEYS = {"default", "description", "type", "options", "regex"}
TYPES = {"string": str, "number": (int, float), "boolean": bool, "array": list}


class InputError(ValueError):
    """The header or the arguments are invalid: GitLab refuses to create the pipeline."""


def split(text: str) -> tuple[dict[str, Any], str]:
    """The header's ``spec`` mapping and the configuration text after ``---``."""
    header, sep, body = text.partition("\n---\n")
    if not sep:
        raise InputError("no `---` after the spec header")
    spec = YAML(typ="safe").load(header)
    if not isinstance(spec, dict) or set(spec) != {"spec"}:
        raise InputError("the header must hold `spec:` only")
    return spec["spec"], body


def resolve(inputs: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """Each input's value: the argument, else the default; validated as GitLab does."""
    unknown = sorted(set(given) - set(inputs))
    if unknown:
        raise InputError(f"unknown input arguments: {', '.join(unknown)}")
    values = {}
    for name, spec in inputs.items():
        spec = spec or {}
        if set(spec) - KEYS:
            raise InputError(f"`{name}` input: unknown keys {sorted(set(spec) - KEYS)}")
        if name in given:
            value = given[name]
        elif "default" in spec:
            value = spec["default"]
        else:
            raise InputError(f"`{name}` input: required value has not been provided")
        kind = spec.get("type", "string")
        wanted = TYPES[kind]
        if not isinstance(value, wanted) or (kind == "number" and isinstance(value, bool)):
            raise InputError(f"`{name}` input: provided value is not a {kind}")
        if "options" in spec and value not in spec["options"]:
            raise InputError(f"`{name}` input: `{value}` is not in the list of allowed options")
        if "regex" in spec and not re.search(spec["regex"], value):
            raise InputError(f"`{name}` input: provided value does not match required RegEx")
        values[name] = value
    return values


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _interpolate(node: Any, values: Mapping[str, Any]) -> Any:
    if isinstance(node, dict):
        return {_interpolate(k, values): _interpolate(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [_interpolate(item, values) for item in node]
    if not isinstance(node, str) or "$[[" not in node:
        return node

    def value_of(expression: str) -> Any:
        if "|" in expression:
            raise InputError(f"interpolation functions are not supported here: {expression}")
        scope, _, name = expression.partition(".")
        if scope != "inputs" or name not in values:
            raise InputError(f"unknown interpolation key: `{expression}`")
        return values[name]

    whole = BLOCK.fullmatch(node)
    if whole:
        return value_of(whole.group(1))
    return BLOCK.sub(lambda m: _text(value_of(m.group(1))), node)


def render(text: str, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The configuration GitLab merges into the pipeline for these ``inputs:``."""
    spec, body = split(text)
    values = resolve(spec.get("inputs") or {}, dict(given or {}))
    return _interpolate(YAML(typ="safe").load(body), values)


def dump(config: Mapping[str, Any]) -> str:
    """*config* as YAML text (to write a rendered pipeline to a file)."""
    out = io.StringIO()
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.dump(dict(config), out)
    return out.getvalue()
