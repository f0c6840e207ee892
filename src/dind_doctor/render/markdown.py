"""Markdown for an issue or merge-request comment: the headline and its fix, other problems,
then the checklist as a collapsed table. Text from findings is escaped, so a log line cannot
break the table or inject HTML."""

from __future__ import annotations

import re

from ..model import CHAIN, LINK_TITLES, Finding, Report, Status
from .codequality import DEFAULT_CI_PATH, locate

WORDS = {Status.FAIL: "BROKEN", Status.ERROR: "UNCHECKED", Status.WARN: "WARNING"}
ICONS = {Status.OK: "✅", Status.INFO: "ℹ️", Status.WARN: "⚠️", Status.FAIL: "❌",
         Status.SKIP: "⏭️", Status.ERROR: "❓"}
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def escape(text: str) -> str:
    """Inline Markdown: special characters escaped, no raw HTML, one line."""
    text = text.replace("&", "&amp;")
    return " ".join(_SPECIAL.sub(r"\\\1", text).split())


def _code(text: str) -> str:
    """Inline code that survives backticks inside it."""
    text = " ".join(text.split())
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def _where(finding: Finding, ci_path: str) -> str:
    path, line, from_evidence = locate(finding, ci_path)
    return f" ({_code(f'{path}:{line}')})" if from_evidence else ""


def _headline(report: Report, ci_path: str) -> list[str]:
    head = report.headline
    if head is None:
        if report.endpoint is None:  # lint: a report on files only
            return ["### ✅ dind-doctor: no problem found in the files", ""]
        return ["### ✅ dind-doctor: the DinD chain is healthy", "",
                "Every link answered.", ""]
    lines = [f"### {ICONS[head.status]} dind-doctor: {WORDS[head.status]} — {escape(head.title)}",
             "", f"{_code(head.id)} · {LINK_TITLES[head.link]}{_where(head, ci_path)}", "",
             escape(head.summary), ""]
    if head.evidence:
        lines += [f"- {escape(ev.label)}: {_code(ev.value)}" for ev in head.evidence[:8]]
        lines.append("")
    if head.fix:
        lines += [*_fix(head.fix, ""), ""]
    return lines


def _fix(fix: str, indent: str) -> list[str]:
    """A one-line fix inline; a multi-line one (a config snippet) as a code block."""
    if "\n" not in fix.strip():
        return [f"{indent}**Fix:** {escape(fix)}"]
    fence = "`" * max(3, max((len(m) for m in re.findall(r"`+", fix)), default=0) + 1)
    body = [f"{indent}{line}" for line in fix.strip("\n").splitlines()]
    return [f"{indent}**Fix:**", "", f"{indent}{fence}text", *body, f"{indent}{fence}"]


def _others(report: Report, ci_path: str) -> list[str]:
    head = report.headline
    extra = [f for f in report.findings if f.is_problem and f is not head]
    if not extra:
        return []
    lines = ["**Also:**", ""]
    for f in extra:
        lines.append(f"- {ICONS[f.status]} {escape(f.title)} ({_code(f.id)})"
                     f"{_where(f, ci_path)}: {escape(f.summary)}")
        if f.fix:
            lines += ["", *_fix(f.fix, "  "), ""]
    return [*lines, ""]


def _checklist(report: Report) -> list[str]:
    lines = ["<details><summary>All checks</summary>", "",
             "| | Link | Check | Summary |", "|---|---|---|---|"]
    for link in CHAIN:
        for f in (f for f in report.findings if f.link is link):
            note = f.summary if f.status is not Status.SKIP else f"skipped: {f.blocked_by} first"
            lines.append(f"| {ICONS[f.status]} | {LINK_TITLES[link]} | {_code(f.id)} | "
                         f"{escape(note)} |")
    return [*lines, "", "</details>", ""]


def _endpoint(report: Report) -> str:
    """The endpoint part of the footer (none for a report on files only)."""
    return "" if report.endpoint is None else f"endpoint {_code(report.endpoint.url)} · "


def render_markdown(report: Report, *, ci_path: str = DEFAULT_CI_PATH) -> str:
    counts = ", ".join(f"{n} {s}" for s, n in report.counts.items() if n)
    lines = _headline(report, ci_path) + _others(report, ci_path) + _checklist(report)
    lines.append(f"<sub>dind-doctor {escape(report.tool_version)} · "
                 f"{escape(report.generated_at)} · {_endpoint(report)}"
                 f"{counts}</sub>")
    return "\n".join(lines).rstrip() + "\n"
