"""Probes: all I/O. Each gathers facts under its own timeout; none of them decides anything.

The engine (:func:`collect`) is loaded on first use, so the command line can start
:mod:`.prestart` work before it.
"""

from __future__ import annotations

__all__ = ["collect"]


def __getattr__(name: str) -> object:
    if name == "collect":
        from .engine import collect

        return collect
    raise AttributeError(name)
