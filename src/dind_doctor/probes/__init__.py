"""Probes: all I/O. Each gathers facts under its own timeout; none of them decides anything."""

from .engine import collect

__all__ = ["collect"]
