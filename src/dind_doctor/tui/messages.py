"""Messages the run worker posts to the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from ..facts import Facts
from ..model import Report


@dataclass
class ProbeProgress(Message):
    """A probe started or finished (``event`` is "start" or "done")."""

    name: str
    event: str
    at: float


@dataclass
class RunFinished(Message):
    """A run produced a report (and, if the run exposes them, the facts behind it)."""

    report: Report
    facts: Facts | None = None


@dataclass
class RunFailed(Message):
    """The run callable raised; ``error`` is shown instead of a report."""

    error: str
