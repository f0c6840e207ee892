"""JUnit XML: parses, one test case per check, counts that add up, failures with the fix."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from dind_doctor.model import Status
from dind_doctor.records import replace
from dind_doctor.render.junit import render_junit
from dind_doctor.report import build_report

from .reports import joined_facts, line_of, project, scenario_reports

OUTCOMES = ("failure", "error", "skipped")


def validate(xml: str) -> ET.Element:
    """The structure GitLab's JUnit parser reads, checked element by element."""
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(xml.encode())
    assert root.tag == "testsuites"
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root:
        assert suite.tag == "testsuite" and suite.get("name")
        cases = list(suite)
        assert all(c.tag == "testcase" for c in cases)
        counts = {"tests": len(cases),
                  "failures": sum(c.find("failure") is not None for c in cases),
                  "errors": sum(c.find("error") is not None for c in cases),
                  "skipped": sum(c.find("skipped") is not None for c in cases)}
        assert {k: int(suite.get(k, "-1")) for k in counts} == counts
        float(suite.get("time", "x"))
        for case in cases:
            assert case.get("classname", "").startswith("dind-doctor.")
            assert case.get("name")
            float(case.get("time", "x"))
            assert sum(case.find(tag) is not None for tag in OUTCOMES) <= 1
        for key in totals:
            totals[key] += counts[key]
    assert {k: int(root.get(k, "-1")) for k in totals} == totals
    return root


@pytest.mark.parametrize(("name", "report"), scenario_reports().items())
def test_every_scenario_gives_valid_junit_with_one_case_per_check(name, report):
    root = validate(render_junit(report))
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name", "").split(":")[0] for c in cases] == [f.id for f in report.findings]
    by_id = {c.get("name", "").split(":")[0]: c for c in cases}
    for finding in report.findings:
        case = by_id[finding.id]
        if finding.status is Status.FAIL:
            failure = case.find("failure")
            assert failure is not None and failure.get("message") == finding.summary
            assert finding.summary in (failure.text or "")
            assert not finding.fix or finding.fix in (failure.text or "")
        elif finding.status is Status.SKIP:
            skipped = case.find("skipped")
            assert skipped is not None and (finding.blocked_by or "") in skipped.get("message", "")
        elif finding.status is Status.ERROR:
            assert case.find("error") is not None
        else:
            assert all(case.find(tag) is None for tag in OUTCOMES)


def test_warnings_fail_only_with_strict():
    report = scenario_reports()["vfs"]
    warns = sum(f.status is Status.WARN for f in report.findings)
    fails = sum(f.status is Status.FAIL for f in report.findings)
    assert warns
    assert int(validate(render_junit(report)).get("failures", "")) == fails
    assert int(validate(render_junit(report, strict=True)).get("failures", "")) == fails + warns


def test_static_findings_carry_their_file_and_line(tmp_path):
    report = build_report(joined_facts(tmp_path))
    root = validate(render_junit(report))
    case = next(c for c in root.iter("testcase") if c.get("name", "").startswith(
        "ci-tls-port-mismatch:"))
    ci_file, _ = project(tmp_path)
    assert case.get("file") == ".gitlab-ci.yml"
    assert case.get("line") == str(line_of(ci_file, "DOCKER_HOST"))
    assert case.find("failure") is not None


def test_text_xml_cannot_carry_is_dropped_not_fatal():
    report = scenario_reports()["tls-mismatch-2375"]
    head = report.headline
    assert head is not None
    bad = replace(report, findings=[replace(head, summary="bad \x1b[31m\x00 bytes & <tags>")])
    failure = validate(render_junit(bad)).find(".//failure")
    assert failure is not None and failure.get("message") == "bad [31m bytes & <tags>"
