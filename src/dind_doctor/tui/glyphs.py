"""Status glyphs and words: meaning must survive NO_COLOR and monochrome terminals."""

from __future__ import annotations

from ..model import Finding, Status

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
_SEVERITY = [Status.SKIP, Status.OK, Status.INFO, Status.WARN, Status.ERROR, Status.FAIL]


def worst(findings: list[Finding]) -> Status | None:
    """The status that best summarises several findings of one link."""
    if not findings:
        return None
    return max((f.status for f in findings), key=_SEVERITY.index)


def styled(status: Status) -> str:
    """Rich markup for a status glyph, coloured with theme variables."""
    colour = {
        Status.OK: "$success", Status.INFO: "$primary", Status.WARN: "$warning",
        Status.FAIL: "$error", Status.SKIP: "$text-muted", Status.ERROR: "$error",
    }[status]
    return f"[{colour}]{GLYPH[status]}[/]"


def duration(ms: float) -> str:
    if ms <= 0:
        return ""
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"
