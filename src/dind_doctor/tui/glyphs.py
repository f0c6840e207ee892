"""Status glyphs and words: meaning must survive NO_COLOR and monochrome terminals."""

from __future__ import annotations

from ..model import SEVERITY, Finding, Status

GLYPH: dict[Status, str] = {
    Status.OK: "✓",
    Status.INFO: "i",
    Status.WARN: "!",
    Status.FAIL: "✗",
    Status.SKIP: "–",
    Status.ERROR: "?",
}
PENDING = "·"
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def worst(findings: list[Finding]) -> Status | None:
    """The status that best summarises several findings of one link."""
    if not findings:
        return None
    return min((f.status for f in findings), key=SEVERITY.index)


def duration(ms: float) -> str:
    if ms <= 0:
        return ""
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"
