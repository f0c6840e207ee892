"""The text report is read in CI logs and pasted from: snippets survive any width.

Every fix of every bundled scenario and of a lint run over every test project file is
rendered at a narrow terminal width and unwrapped (a pipe); each snippet must come out
line for line and parse as the file type it belongs to (YAML, TOML, shell), and prose
must never break inside a `code` span or a quoted value.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import tomllib
from ruamel.yaml import YAML

from dind_doctor.model import Finding, Report
from dind_doctor.render.text import render_text
from dind_doctor.render.wrap import fix_lines, wrap_prose
from dind_doctor.report import build_report

from .reports import DATA, joined_facts, scenario_reports

WIDTHS = (60, 100, None)


def _lint_reports(tmp: Path) -> dict[str, Report]:
    reports = {}
    for ci in sorted(p.name for p in (DATA / "ci").glob("*.yml")):
        for runner in ("docker-unprivileged.toml", "k8s-missing.toml"):
            case = tmp / f"{ci}-{runner}"
            case.mkdir()
            reports[f"{ci}+{runner}"] = build_report(joined_facts(case, ci=ci, runner=runner))
    return reports


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Report]:
    return scenario_reports() | _lint_reports(tmp_path_factory.mktemp("lint"))


def _snippet(fix: str) -> list[str]:
    lines = fix.splitlines()
    if lines and lines[0].endswith(":") and " " in lines[0] and lines[0][:1].isupper():
        lines = lines[1:]  # the introducing prose line
    return lines


def _parse(snippet: str) -> str:
    first = snippet.lstrip().splitlines()[0]
    if first.startswith("[") and "runners" in first:
        tomllib.loads(snippet)
        return "toml"
    if first.split(":")[0].replace("_", "").replace("-", "").isalnum() and ":" in first:
        YAML(typ="safe").load(snippet)
        return "yaml"
    proc = subprocess.run(["sh", "-n"], input=snippet, text=True, capture_output=True,
                          check=False)
    assert proc.returncode == 0, f"not valid shell: {snippet!r}: {proc.stderr}"
    return "sh"


def _findings_with_fixes(reports: dict[str, Report]) -> list[tuple[str, Finding]]:
    return [(name, f) for name, r in reports.items() for f in r.findings if f.fix]


def test_every_snippet_is_printed_whole_and_parses(reports):
    kinds: set[str] = set()
    checked = 0
    for name, finding in _findings_with_fixes(reports):
        if "\n" not in finding.fix:
            continue
        snippet = _snippet(finding.fix)
        kinds.add(_parse("\n".join(snippet)))
        for width in WIDTHS:
            text = render_text(reports[name], width=width)
            if f"[{finding.id}]" not in text:
                continue  # info findings are not printed as problems
            printed = text.splitlines()
            for line in snippet:
                assert any(p.rstrip() == f"    {line}".rstrip() for p in printed), (
                    f"{name} {finding.id} width={width}: snippet line {line!r} not printed whole")
            checked += 1
    assert checked >= 10
    assert {"yaml", "toml", "sh"} <= kinds


@pytest.mark.parametrize("width", [40, 60, 88])
def test_prose_never_breaks_inside_code_or_quotes(reports, width):
    seen = 0
    for _name, finding in _findings_with_fixes(reports):
        for text in (finding.summary, *finding.fix.splitlines()[:1]):
            lines = wrap_prose(text, width, "  ")
            assert " ".join(line.strip() for line in lines) == " ".join(text.split())
            for line in lines:
                assert line.count("`") % 2 == 0, f"broken `code` span: {line!r}"
                assert line.count('"') % 2 == 0, f"broken quoted value: {line!r}"
            seen += 1
    assert seen > 20


def test_a_pipe_gets_whole_lines_a_terminal_gets_its_width(reports):
    report = reports["tls-mismatch-2375"]
    piped = render_text(report, width=None)
    head = report.headline
    assert head is not None and head.fix
    assert f"    {head.fix}" in piped.splitlines()  # one line, not cut
    assert "…" not in piped
    narrow = render_text(report, width=60)
    prose = [line for line in narrow.splitlines() if line.startswith("  ") and "·" not in line]
    assert prose and all(len(line) <= 60 for line in prose if " " in line.strip())


def test_long_unbreakable_code_stays_on_its_own_line():
    fix = ("Add a shim:\n"
           "printf '#!/bin/sh\\nexec docker compose \"$@\"\\n' > /usr/bin/x && chmod +x /usr/bin/x")
    lines = fix_lines(fix, 30, "    ")
    assert lines[-1] == "    " + fix.splitlines()[1]
    assert wrap_prose("set `a very long code span that cannot fit` now", 20, "") == [
        "set", "`a very long code span that cannot fit`", "now"]
