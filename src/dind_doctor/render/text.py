"""The readable report: what broke, why, the fix in a line or two, then the checklist."""

from __future__ import annotations

import sys

from ..model import CHAIN, LINK_TITLES, Finding, Report, Status
from .style import SYMBOLS, Style
from .wrap import fix_lines, terminal_width, wrap_prose

MAX_EVIDENCE = 8
TITLE_COLUMN = 34
NOTE_COLUMN = TITLE_COLUMN + 7  # "    ✓ " + title + " "
MIN_NOTE = 30
TERMINAL = -1
"""``width=TERMINAL``: wrap at the terminal's width on a terminal, not at all in a pipe."""


def _headline(report: Report, style: Style, width: int | None) -> list[str]:
    head = report.headline
    if head is None:
        healthy = ("✓ The DinD chain is healthy: every link answered." if report.endpoint
                   else "✓ No problem found in the files.")  # lint: files only
        return [style.status(Status.OK, healthy), ""]
    word = {Status.FAIL: "BROKEN", Status.ERROR: "UNCHECKED", Status.WARN: "WARNING"}[head.status]
    lines = [style.status(head.status, style.bold(f"{SYMBOLS[head.status]} {word}: {head.title}"))
             + style.dim(f"  [{head.id}]")]
    lines += wrap_prose(head.summary, width, "  ")
    for ev in head.evidence[:MAX_EVIDENCE]:
        lines += wrap_prose(f"{ev.label}: {ev.value}", width, "    · ", "      ")
    if len(head.evidence) > MAX_EVIDENCE:
        lines.append(f"    · (+{len(head.evidence) - MAX_EVIDENCE} more: see --json)")
    if head.fix:
        lines.append(style.bold("  Fix:"))
        lines += fix_lines(head.fix, width, "    ")
    lines.append("")
    return lines


def _others(report: Report, style: Style, width: int | None) -> list[str]:
    head = report.headline
    extra = [f for f in report.findings
             if f.is_problem and f is not head and f.status is not Status.INFO]
    lines: list[str] = []
    for f in extra:
        lines.append(style.status(f.status, f"{SYMBOLS[f.status]} {f.title}") +
                     style.dim(f"  [{f.id}]"))
        lines += wrap_prose(f.summary, width, "  ")
        if f.fix and "\n" not in f.fix:
            lines += wrap_prose(f"Fix: {f.fix}", width, "  ")
        elif f.fix:
            lines.append("  Fix:")
            lines += fix_lines(f.fix, width, "    ")
        lines.append("")
    return lines


def _checklist(report: Report, style: Style, width: int | None) -> list[str]:
    lines = [style.bold("Checklist")]
    by_link: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_link.setdefault(f.link.value, []).append(f)
    for link in CHAIN:
        found = by_link.get(link.value)
        if not found:
            continue
        lines.append(style.dim(f"  {LINK_TITLES[link]}"))
        for f in found:
            mark = style.status(f.status, SYMBOLS[f.status])
            note = f.summary if f.status is not Status.SKIP else f"skipped: {f.blocked_by} first"
            if width is not None and width - NOTE_COLUMN < MIN_NOTE:  # narrow: note below
                lines.append(f"    {mark} {f.title}")
                lines += wrap_prose(note, width, "        ")
                continue
            row = wrap_prose(note, width, " " * NOTE_COLUMN)
            lines.append(f"    {mark} {f.title:<{TITLE_COLUMN}} {row[0][NOTE_COLUMN:]}")
            lines += row[1:]
    return lines


def render_text(report: Report, *, color: bool = False, width: int | None = TERMINAL) -> str:
    """The report as text; prose wraps at ``width`` (None: never), snippets never do."""
    if width == TERMINAL:
        width = terminal_width(sys.stdout)
    style = Style(color)
    ep = report.endpoint
    lines = [style.bold(f"dind-doctor {report.tool_version}") +
             style.dim(f"  ·  {report.generated_at}")]
    if ep is not None:  # a live run, not `lint`
        lines.append(f"Endpoint: {ep.url}" + (" (TLS)" if ep.tls else "") +
                     style.dim(f"  — {ep.source}"))
    lines.append("")
    lines += _headline(report, style, width)
    lines += _others(report, style, width)
    lines += _checklist(report, style, width)
    counts = report.counts
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    lines += ["", style.dim(summary)]
    return "\n".join(lines) + "\n"
