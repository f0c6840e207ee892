"""The readable report: what broke, why, the fix in a line or two, then the checklist."""

from __future__ import annotations

import textwrap

from ..model import CHAIN, LINK_TITLES, Finding, Report, Status
from .style import SYMBOLS, Style

WIDTH = 88
MAX_EVIDENCE = 8
MAX_SNIPPET = 8


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]


def _headline(report: Report, style: Style) -> list[str]:
    head = report.headline
    if head is None:
        healthy = ("✓ The DinD chain is healthy: every link answered." if report.endpoint
                   else "✓ No problem found in the files.")  # lint: files only
        return [style.status(Status.OK, healthy), ""]
    word = {Status.FAIL: "BROKEN", Status.ERROR: "UNCHECKED", Status.WARN: "WARNING"}[head.status]
    lines = [style.status(head.status, style.bold(f"{SYMBOLS[head.status]} {word}: {head.title}"))
             + style.dim(f"  [{head.id}]")]
    lines += _wrap(head.summary, "  ")
    for ev in head.evidence[:MAX_EVIDENCE]:
        lines += _wrap(f"{ev.label}: {ev.value}", "    · ")
    if len(head.evidence) > MAX_EVIDENCE:
        lines.append(f"    · (+{len(head.evidence) - MAX_EVIDENCE} more: see --json)")
    if head.fix:
        lines.append(style.bold("  Fix:"))
        for part in head.fix.splitlines():
            lines += _wrap(part, "    ")
    lines.append("")
    return lines


def _others(report: Report, style: Style) -> list[str]:
    head = report.headline
    extra = [f for f in report.findings
             if f.is_problem and f is not head and f.status is not Status.INFO]
    lines: list[str] = []
    for f in extra:
        lines.append(style.status(f.status, f"{SYMBOLS[f.status]} {f.title}") +
                     style.dim(f"  [{f.id}]"))
        lines += _wrap(f.summary, "  ")
        if f.fix:
            fix = f.fix.splitlines()
            if len(fix) == 1:
                lines += _wrap(f"Fix: {fix[0]}", "  ")
            else:  # a snippet: keep its indentation
                lines.append("  Fix:")
                lines += [f"    {line}" for line in fix[:MAX_SNIPPET]]
                if len(fix) > MAX_SNIPPET:
                    lines.append("    …")
        lines.append("")
    return lines


def _checklist(report: Report, style: Style) -> list[str]:
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
            text = textwrap.shorten(note, WIDTH - 36, placeholder="…")
            title = textwrap.shorten(f.title, 34, placeholder="…")
            lines.append(f"    {mark} {title:<34} {text}")
    return lines


def render_text(report: Report, *, color: bool = False) -> str:
    style = Style(color)
    ep = report.endpoint
    lines = [style.bold(f"dind-doctor {report.tool_version}") +
             style.dim(f"  ·  {report.generated_at}")]
    if ep is not None:  # a live run, not `lint`
        lines.append(f"Endpoint: {ep.url}" + (" (TLS)" if ep.tls else "") +
                     style.dim(f"  — {ep.source}"))
    lines.append("")
    lines += _headline(report, style)
    lines += _others(report, style)
    lines += _checklist(report, style)
    counts = report.counts
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    lines += ["", style.dim(summary)]
    return "\n".join(lines) + "\n"
