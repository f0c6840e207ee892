"""An :class:`Explanation` as text or as a JSON-ready dict. Log lines are redacted here."""

from __future__ import annotations

import re
import textwrap
from typing import Any

from .. import __version__
from ..model import Status
from ..redact import REDACTED, is_secret_name, redact_text
from ..render.style import Style
from .analyse import Explanation, Verdict
from .matcher import Candidate

SCHEMA = "dind-doctor/explain"
SCHEMA_VERSION = "1.1"
WIDTH = 88
MAX_EVIDENCE = 4
MAX_SHOWN = 200
_ASSIGNMENT = re.compile(r"(?P<name>\b[A-Za-z_][A-Za-z0-9_]*)(?P<sep>\s*[=:]\s*)(?P<value>\S+)")

HEADLINES = {
    Verdict.DIND_FAILURE: "The job failed on Docker-in-Docker.",
    Verdict.SUCCEEDED: "The job succeeded: nothing to explain.",
    Verdict.NOT_DIND: "Not a Docker-in-Docker problem: nothing in the log points to the DinD "
                      "chain.",
    Verdict.NOTHING: "Nothing in this text points to a Docker-in-Docker problem.",
}


def headline(expl: Explanation) -> str:
    """The first line: the verdict, and for an ordinary failure what the log does show."""
    if expl.verdict is Verdict.NOT_DIND and expl.shows:
        return f"Not a Docker-in-Docker problem: {expl.shows[0].kind.summary}."
    return HEADLINES[expl.verdict]


def shown(text: str) -> str:
    """A log line as it may be printed: secrets masked, long lines shortened."""
    text = redact_text(text)
    text = _ASSIGNMENT.sub(lambda m: f"{m['name']}{m['sep']}{REDACTED}"
                           if is_secret_name(m["name"]) else m.group(0), text)
    text = text.strip()
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 1] + "…"


def fix_path(candidate: Candidate) -> list[str]:
    """The fix tree's questions and answers that lead to the chosen fix."""
    return [n.title for n in candidate.entry.fix_tree.path_to(candidate.node.id)]


def candidate_dict(candidate: Candidate) -> dict[str, Any]:
    node = candidate.node
    return {
        "id": candidate.entry.id,
        "title": candidate.entry.title,
        "link": candidate.entry.link,
        "score": candidate.score,
        "meaning": candidate.entry.meaning,
        "evidence": [{"line": h.line.number, "origin": h.line.origin.value,
                      "text": shown(h.line.text), "symptom": h.symptom.match}
                     for h in sorted(candidate.hits, key=lambda h: -h.score)[:MAX_EVIDENCE]],
        "reasons": list(candidate.reasons),
        "fix": {"id": node.id, "title": node.title, "path": fix_path(candidate),
                "text": node.text,
                "steps": list(node.steps),
                "snippets": [{"file": s.filename, "code": s.code} for s in node.snippets]},
        "docs": [{"title": d.title, "url": d.url} for d in candidate.entry.docs],
    }


def explanation_dict(expl: Explanation) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "dind-doctor", "version": __version__},
        "verdict": expl.verdict.value,
        "summary": headline(expl),
        "shows": [{"kind": s.kind.id, "summary": s.kind.summary, "line": s.line.number,
                   "text": shown(s.line.text)} for s in expl.shows],
        "context": expl.context.to_dict(),
        "failing_command": None if expl.failing_command is None else shown(expl.failing_command),
        "service_warnings": [
            {"service": w.service, "line": w.line,
             "health_check_error": [shown(t) for t in w.health_check_error],
             "service_log_lines": len(w.service_log)}
            for w in expl.service_warnings],
        "candidates": [candidate_dict(c) for c in expl.candidates],
        "tail": [{"line": t.number, "text": shown(t.text)} for t in expl.tail],
        "lines": expl.line_count,
        "exit_code": expl.exit_code,
    }


def _wrap(text: str, indent: str, rest: str | None = None) -> list[str]:
    rest = rest if rest is not None else " " * len(indent)
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=rest,
                         break_on_hyphens=False, break_long_words=False) or [indent]


def render_explanation(expl: Explanation, *, color: bool = False) -> str:
    style = Style(color)
    status = {Verdict.DIND_FAILURE: Status.FAIL, Verdict.SUCCEEDED: Status.OK,
              Verdict.NOT_DIND: Status.INFO, Verdict.NOTHING: Status.INFO}[expl.verdict]
    lines = [style.status(status, style.bold(headline(expl)))]
    lines += _context_lines(expl, style)
    if expl.verdict is Verdict.NOT_DIND and expl.shows:
        lines += ["", style.bold("What the log shows:")]
        for s in expl.shows[:MAX_EVIDENCE]:
            lines += _wrap(f"{s.kind.summary}: line {s.line.number}: {shown(s.line.text)}",
                           "  · ", "    ")
    if expl.verdict is Verdict.NOT_DIND and expl.tail:
        lines += ["", style.bold("The failing step ended with:")]
        lines += [f"  {t.number:>5} │ {shown(t.text)}" for t in expl.tail]
    for index, candidate in enumerate(expl.candidates):
        lines.append("")
        lines += _candidate_lines(candidate, index, expl.verdict, style)
    return "\n".join(lines) + "\n"


def _context_lines(expl: Explanation, style: Style) -> list[str]:
    ctx = expl.context
    facts = []
    if ctx.executor:
        facts.append(f"{ctx.executor} executor")
    if ctx.runner_version:
        facts.append(f"gitlab-runner {ctx.runner_version}")
    if expl.failing_command:
        facts.append(f"failing command: {shown(expl.failing_command)}")
    lines = _wrap(" · ".join(facts), "  ") if facts else []
    for warning in expl.service_warnings:
        error = "; ".join(shown(t) for t in warning.health_check_error) or "no detail"
        lines += _wrap(f"line {warning.line}: the runner warned that service {warning.service} "
                       f"probably didn't start ({error}); {len(warning.service_log)} lines of "
                       "its own log follow it", "  ")
    if ctx.resolver is not None:
        where = f"on {ctx.resolver.ip}:53" if ctx.resolver.ip else "(no DNS server named)"
        lines += _wrap(f"line {ctx.resolver.line}: lookup {ctx.resolver.name} {where} failed — "
                       f"{ctx.resolver.meaning}", "  ")
    return [style.dim(line) for line in lines]


def _candidate_lines(candidate: Candidate, index: int, verdict: Verdict,
                     style: Style) -> list[str]:
    entry = candidate.entry
    if index == 0:
        lines = [style.bold(f"Most likely: {entry.title}") + style.dim(f"  [{entry.id}]")]
    else:
        lines = [f"{index + 1}. {entry.title}" + style.dim(f"  [{entry.id}]")]
    if index == 0:
        lines += _wrap(entry.meaning, "  ")
    for hit in sorted(candidate.hits, key=lambda h: -h.score)[:MAX_EVIDENCE if index == 0 else 1]:
        where = "service log, " if hit.line.origin.value == "service" else ""
        lines += _wrap(f"{where}line {hit.line.number}: {shown(hit.line.text)}", "    · ")
    for reason in candidate.reasons:
        lines += _wrap(reason, "    + ")
    node = candidate.node
    path = " → ".join(fix_path(candidate))
    if index == 0:
        lines += [style.bold("  Fix:"), *_wrap(path, "    ")]
    else:
        lines += _wrap(f"Fix: {path}", "  ", "       ")
    if index == 0:
        for number, step in enumerate(node.steps, start=1):
            lines += _wrap(f"{number}. {step}", "    ", "       ")
        for snippet in node.snippets:
            lines.append(style.dim(f"    # {snippet.filename}"))
            lines += [f"    {code}" for code in snippet.code.rstrip("\n").splitlines()]
        if entry.docs:
            lines.append(style.dim(f"  Docs: {entry.docs[0].url}"))
    return lines
