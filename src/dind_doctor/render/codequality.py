"""GitLab Code Quality report (``artifacts:reports:codequality``): one issue per problem.

Each issue carries what GitLab requires — ``description``, ``check_name`` (the finding id),
``fingerprint``, ``severity`` and ``location.path`` + ``location.lines.begin`` — plus the Code
Climate fields ``type``, ``categories``, ``engine_name`` and ``content.body`` (the fix).

Severity: ``fail`` → critical, ``error`` (the check could not run) → major, ``warn`` → minor;
``ok``, ``info`` and ``skip`` are not problems, so not issues.

Location: findings of the static checks (``.gitlab-ci.yml`` and ``config.toml``) name
``file:line`` in their evidence; the issue points there. Evidence only has the file's base
name, so the CI file is reported at ``ci_path`` (default ``.gitlab-ci.yml``, the usual place
at the repository root) and the runner config under its base name (it lives on the runner
host, not in the repository). Live findings (probes) have no line of their own: they point at
``ci_path`` line 1, where the job's DinD setup is declared.

Fingerprint: SHA-256 of finding id, path and line — stable across runs and timestamps, and
different when the same problem moves to another file or line.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Any

from ..facts import Facts
from ..model import Finding, Report, Status

DEFAULT_CI_PATH = ".gitlab-ci.yml"
SEVERITY = {Status.FAIL: "critical", Status.ERROR: "major", Status.WARN: "minor"}
_FILE_LINE = re.compile(r"(?P<file>[\w.\-/]+\.(?:ya?ml|toml))(?::(?P<line>\d+))?\b")


def locate(finding: Finding, ci_path: str = DEFAULT_CI_PATH) -> tuple[str, int, bool]:
    """``(path, line, from_evidence)``: where the finding points in the repository."""
    found: tuple[str, int] | None = None
    for ev in finding.evidence:
        for match in _FILE_LINE.finditer(ev.value):
            line = int(match["line"]) if match["line"] else 0
            if found is None or (found[1] == 0 and line):
                found = (match["file"], line)
            if line:
                break
        if found and found[1]:
            break
    if found is None:
        return ci_path, 1, False
    name, line = found
    if os.path.isabs(name):  # never a machine path in a report
        name = os.path.basename(name)
    if os.path.basename(name) == os.path.basename(ci_path):
        name = ci_path
    return name, max(line, 1), True


def ci_path_for(facts: Facts, cwd: str | None = None) -> str:
    """The CI file's path relative to the project (``$CI_PROJECT_DIR``, else ``cwd``); the
    default name when there is none or it lies outside the project."""
    ci = facts.ci_file
    if ci is None or not ci.path:
        return DEFAULT_CI_PATH
    base = facts.env.vars.get("CI_PROJECT_DIR") or cwd or os.getcwd()
    rel = os.path.relpath(os.path.abspath(os.path.join(base, ci.path)), base)
    return os.path.basename(ci.path) if rel.startswith("..") else rel.replace(os.sep, "/")


def fingerprint(finding_id: str, path: str, line: int) -> str:
    return hashlib.sha256(f"{finding_id}\0{path}\0{line}".encode()).hexdigest()


def codequality_issues(report: Report, *, ci_path: str = DEFAULT_CI_PATH) -> list[dict[str, Any]]:
    issues = []
    for finding in report.findings:
        severity = SEVERITY.get(finding.status)
        if severity is None:
            continue
        path, line, _ = locate(finding, ci_path)
        body = finding.summary + (f"\n\nFix: {finding.fix}" if finding.fix else "")
        issues.append({
            "type": "issue",
            "engine_name": "dind-doctor",
            "check_name": finding.id,
            "description": f"dind-doctor: {finding.title}: {finding.summary}",
            "content": {"body": body},
            "categories": ["Bug Risk"],
            "severity": severity,
            "fingerprint": fingerprint(finding.id, path, line),
            "location": {"path": path, "lines": {"begin": line}},
        })
    return issues


def render_codequality(report: Report, *, ci_path: str = DEFAULT_CI_PATH) -> str:
    return json.dumps(codequality_issues(report, ci_path=ci_path), indent=2,
                      ensure_ascii=False) + "\n"
