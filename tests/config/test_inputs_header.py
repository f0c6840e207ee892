"""A CI file with a ``spec: inputs:`` header (a component, pipeline inputs) is analysed."""

from __future__ import annotations

from pathlib import Path

from dind_doctor.config.ci_yaml import parse_ci_yaml
from dind_doctor.config.collect import load_ci_file
from dind_doctor.config.filefacts import CiFileFacts

COMPONENT = Path(__file__).resolve().parents[2] / "templates" / "dind-doctor.yml"

HEADED = """\
spec:
  inputs:
    dind:
      default: docker:29.1.3-dind
    port:
      type: number
      default: 2375
    script:
      default: "docker info; docker ps"
---
build:
  image: docker:29.1.3-cli
  services:
    - $[[ inputs.dind ]]
  variables:
    DOCKER_HOST: tcp://docker:$[[ inputs.port ]]
  script:
    - $[[ inputs.script ]]
"""


def parsed(text: str) -> CiFileFacts:
    facts = CiFileFacts(path=".gitlab-ci.yml", source="test")
    parse_ci_yaml(text, facts)
    return facts


def test_the_header_is_skipped_defaults_fill_in_and_lines_stay():
    facts = parsed(HEADED)
    assert facts.error is None
    (build,) = facts.jobs
    assert [s.name for s in build.services] == ["docker:29.1.3-dind"]
    assert build.variables["DOCKER_HOST"] == "tcp://docker:2375"
    assert build.variable_lines["DOCKER_HOST"] == 16
    assert build.line == 11
    # a default that would not read the same in place stays as written, and is said
    assert facts.notes == ["spec:inputs without a plain default, read as written: "
                           "$[[ inputs.script ]]"]


def test_a_second_document_without_a_spec_header_is_still_an_error():
    facts = parsed("build:\n  script: [x]\n---\ntest:\n  script: [y]\n")
    assert facts.error and "document" in facts.error


def test_the_shipped_component_reads_as_one_dind_job():
    facts = load_ci_file(str(COMPONENT))
    assert facts.error is None and facts.notes == []
    (job,) = facts.jobs
    assert job.name == "dind-doctor"
    assert [(s.name, s.alias) for s in job.services] == [("docker:29-dind", "docker")]
    assert job.image is not None and job.image.name == "docker:29-cli"


def test_odd_headers_never_crash():
    for header in ("spec: [1]", "spec:\n  inputs: [a]", "spec:\n  inputs:\n    a: 1",
                   "spec: {inputs: {a: {default: [1]}}}", "[[[", "spec: !!python/name:os"):
        facts = parsed(f"{header}\n---\nbuild:\n  script:\n    - $[[ inputs.a ]]\n")
        assert facts.error is None or "document" in facts.error, (header, facts.error)
