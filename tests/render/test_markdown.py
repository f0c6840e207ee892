"""Markdown for a comment: headline and fix first, every check in the table, text escaped."""

from __future__ import annotations

import pytest

from dind_doctor.records import replace
from dind_doctor.render.markdown import render_markdown
from dind_doctor.report import build_report

from .reports import joined_facts, scenario_reports


def table_rows(markdown: str) -> list[list[str]]:
    rows = [line for line in markdown.splitlines() if line.startswith("| ")][1:]
    # split on unescaped pipes only
    return [[c for c in row.replace("\\|", "\0").split("|")[1:-1]] for row in rows]


@pytest.mark.parametrize(("name", "report"), scenario_reports().items())
def test_headline_first_and_one_row_per_check(name, report):
    text = render_markdown(report)
    first = text.splitlines()[0]
    if report.headline is None:
        assert "healthy" in first
    else:
        assert first.startswith("### ") and report.headline.id in text.split("\n\n")[1]
    rows = table_rows(text)
    assert len(rows) == len(report.findings)
    assert all(len(row) == 4 for row in rows)


def test_a_multi_line_fix_is_a_code_block(tmp_path):
    text = render_markdown(build_report(joined_facts(tmp_path)))
    assert "```text\n[runners.docker]\n  privileged = true\n```" in text


def test_text_from_findings_cannot_break_the_table_or_inject_html():
    report = scenario_reports()["tls-mismatch-2375"]
    evil = "a | b <script>alert(1)</script> `x` [link](http://e.invalid)\nnext"
    findings = [replace(f, summary=evil, title=evil) for f in report.findings]
    text = render_markdown(replace(report, findings=findings))
    assert "<script>" not in text and "](http" not in text
    assert all(len(row) == 4 for row in table_rows(text))
