"""Readings of the daemon's ``/info`` and ``/version`` shared by the long-tail checks (pure)."""

from __future__ import annotations

import re

from .base import Context

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from typing import Any

_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?")


def daemon_info(ctx: Context) -> dict[str, Any]:
    """``/info`` of a daemon that answered, else ``{}``."""
    api = ctx.facts.api
    return api.info if api is not None and api.ping_ok else {}


def version_tuple(text: object) -> tuple[int, int, int] | None:
    """``"20.10.24+dfsg1"`` -> ``(20, 10, 24)``; ``None`` for anything else (``dev``)."""
    match = _VERSION.match(str(text or ""))
    if not match:
        return None
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch or 0)
