"""Code Quality: the fields GitLab requires, stable fingerprints, file and line locations."""

from __future__ import annotations

import json
import re

import pytest

from dind_doctor.records import replace
from dind_doctor.render.codequality import ci_path_for, render_codequality
from dind_doctor.report import build_report
from dind_doctor.scenarios import load

from .reports import joined_facts, line_of, problems, project, scenario_reports

SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def validate(text: str) -> list[dict]:
    issues = json.loads(text)
    assert isinstance(issues, list)
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
        assert issue["severity"] in SEVERITIES
        location = issue["location"]
        assert isinstance(location["path"], str) and location["path"]
        assert not location["path"].startswith("/")
        assert isinstance(location["lines"]["begin"], int) and location["lines"]["begin"] >= 1
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    return issues


@pytest.mark.parametrize(("name", "report"), scenario_reports().items())
def test_every_scenario_lists_exactly_its_problems(name, report):
    issues = validate(render_codequality(report))
    assert [i["check_name"] for i in issues] == problems(report)
    for issue in issues:  # live findings point at the CI file's first line
        assert issue["location"] == {"path": ".gitlab-ci.yml", "lines": {"begin": 1}}


def test_severity_follows_status():
    issues = validate(render_codequality(scenario_reports()["vfs"]))
    by_id = {i["check_name"]: i["severity"] for i in issues}
    report = scenario_reports()["vfs"]
    for finding in report.findings:
        if finding.id in by_id:
            assert by_id[finding.id] == {"fail": "critical", "warn": "minor",
                                         "error": "major"}[finding.status.value]


def test_fingerprints_do_not_depend_on_time_but_on_id_and_location():
    facts = load("tls-mismatch-2375")
    later = replace(facts, collected_at="2030-01-01T00:00:00+00:00")
    first = validate(render_codequality(build_report(facts)))
    second = validate(render_codequality(build_report(later)))
    assert [i["fingerprint"] for i in first] == [i["fingerprint"] for i in second]
    moved = validate(render_codequality(build_report(facts), ci_path="ci/.gitlab-ci.yml"))
    assert {i["fingerprint"] for i in moved}.isdisjoint(i["fingerprint"] for i in first)


def test_findings_from_the_files_point_at_their_lines(tmp_path):
    facts = joined_facts(tmp_path)
    ci_file, runner_file = project(tmp_path)
    issues = {i["check_name"]: i for i in validate(
        render_codequality(build_report(facts), ci_path=ci_path_for(facts)))}
    assert issues["ci-tls-port-mismatch"]["location"] == {
        "path": ".gitlab-ci.yml", "lines": {"begin": line_of(ci_file, "DOCKER_HOST")}}
    assert issues["privileged-missing"]["location"] == {
        "path": "config.toml", "lines": {"begin": line_of(runner_file, "privileged = false")}}
    assert issues["floating-docker-tag"]["location"]["lines"]["begin"] == line_of(
        ci_file, "image: docker:latest")


def test_the_ci_path_is_relative_to_the_project(tmp_path):
    facts = joined_facts(tmp_path)
    assert ci_path_for(facts) == ".gitlab-ci.yml"
    nested = replace(facts, ci_file=replace(facts.ci_file, path=str(tmp_path / "ci" / "a.yml")))
    assert ci_path_for(nested) == "ci/a.yml"
    outside = replace(facts, ci_file=replace(facts.ci_file, path="/elsewhere/b.yml"))
    assert ci_path_for(outside) == "b.yml"
    assert ci_path_for(replace(facts, ci_file=None)) == ".gitlab-ci.yml"
