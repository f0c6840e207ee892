"""The round-trip guard: a fix may change only the keys it names; everything else must parse
to the same data. Every patch passes through :func:`changed_paths` before it is offered."""

from __future__ import annotations

from typing import Any

Path = tuple[str, ...]


def flatten(value: Any, prefix: Path = ()) -> dict[Path, Any]:
    """``{("runners", "0", "docker", "privileged"): True, ...}`` for nested dicts and lists."""
    out: dict[Path, Any] = {}
    if isinstance(value, dict):
        if not value:
            out[prefix] = {}
        for key, item in value.items():
            out.update(flatten(item, (*prefix, str(key))))
    elif isinstance(value, list):
        if not value:
            out[prefix] = []
        for index, item in enumerate(value):
            out.update(flatten(item, (*prefix, str(index))))
    else:
        out[prefix] = value
    return out


def changed_paths(before: Any, after: Any) -> set[Path]:
    flat_before, flat_after = flatten(before), flatten(after)
    keys = set(flat_before) | set(flat_after)
    return {k for k in keys if flat_before.get(k, _MISSING) != flat_after.get(k, _MISSING)}


def unexpected_changes(before: Any, after: Any, allowed: set[str]) -> list[Path]:
    """Changed paths that touch none of the ``allowed`` key names (sorted, for messages)."""
    return sorted(p for p in changed_paths(before, after) if not allowed.intersection(p))


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()
