"""Write the report as JSON and Markdown files (for an issue tracker or a merge request)."""

from __future__ import annotations

import json
from pathlib import Path

from ..catalog import Catalog, load_catalog
from ..model import LINK_TITLES, Report
from .glyphs import GLYPH
from .situation import situation

JSON_NAME = "dind-doctor-report.json"
MARKDOWN_NAME = "dind-doctor-report.md"


def report_markdown(report: Report, catalog: Catalog | None = None) -> str:
    """A Markdown summary: headline, endpoint, every finding, and fixes for the problems."""
    catalog = catalog if catalog is not None else load_catalog()
    head = report.headline
    tags = situation(report)
    counts = ", ".join(f"{n} {s}" for s, n in report.counts.items() if n)
    lines = [
        "# dind-doctor report", "",
        f"- tool version: {report.tool_version}; facts collected at {report.generated_at}",
        f"- endpoint: `{report.endpoint.url}` (chosen by {report.endpoint.source})"
        if report.endpoint is not None else "- endpoint: none (a report on files only)",
        f"- results: {counts or 'no checks ran'}", "",
    ]
    if head is None:
        lines += ["**No broken link found.**", ""]
    else:
        lines += [f"**First broken link: {LINK_TITLES[head.link]}** — {_cell(head.summary)}", ""]
        if head.fix:
            lines += [f"Fix: {head.fix}", ""]
    lines += ["| | link | check | result | time |", "|---|---|---|---|---|"]
    for f in report.findings:
        lines.append(f"| {GLYPH[f.status]} {f.status.value} | {LINK_TITLES[f.link]} | "
                     f"`{f.id}` | {_cell(f.summary)} | {f.duration_ms:.0f} ms |")
    for f in (f for f in report.findings if f.is_problem):
        lines += ["", f"## {GLYPH[f.status]} {f.title} (`{f.id}`)", "", f.summary]
        if f.evidence:
            lines += [""] + [f"- {e.label}: `{e.value}`" for e in f.evidence]
        entry = catalog.get(f.id)
        if entry is not None:
            fix = entry.fix_tree.fix_for(tags)
            lines += ["", f"**Why:** {entry.mechanism}", "",
                      f"**Suggested fix — {fix.title}:**", ""]
            lines += [f"{i}. {step}" for i, step in enumerate(fix.steps, 1)]
            for snip in fix.snippets:
                lang = {"gitlab-ci": "yaml", "helm-values": "yaml", "runner-config": "toml",
                        "shell": "sh", "daemon-json": "json"}[snip.target]
                lines += ["", f"`{snip.filename}`:", "", f"```{lang}", snip.code.rstrip("\n"),
                          "```"]
    return "\n".join(lines) + "\n"


def write_exports(report: Report, directory: Path, *, strict: bool = False) -> list[Path]:
    """Write both files into ``directory``; returns their paths."""
    from ..render.json import render_json

    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / JSON_NAME
    md_path = directory / MARKDOWN_NAME
    json_path.write_text(render_json(report, strict=strict), encoding="utf-8")
    md_path.write_text(report_markdown(report), encoding="utf-8")
    json.loads(json_path.read_text(encoding="utf-8"))  # never leave a broken file behind
    return [json_path, md_path]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
