"""The template's script lines run for real, in a job container next to a dind service.

The job runs them the way the runner does: ``before_script`` and ``script`` in one shell
that stops at the first failing line, ``after_script`` in a new shell afterwards. dind-doctor
is already installed (the repository's venv on ``PATH``), so the install line is skipped.
"""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import pytest

from tests.support.topology import DEFAULT_JOB_PATH, SCENARIOS

from .template import load_template, script_lines

pytestmark = pytest.mark.topology

PROJECT = "/builds/project"
USER_SCRIPT = ["docker version --format '{{.Server.Version}}'"]


def job_command() -> str:
    return "\n".join([
        f"cd {PROJECT}",
        "sh -e /tmp/main.sh; echo \"::main-exit $?\"",
        "sh /tmp/after.sh; echo \"::after-exit $?\"",
        "for f in dind-doctor/*; do echo \"::file $f\"; cat \"$f\"; echo; done",
    ])


def job_files(script: list[str]) -> dict[str, str]:
    return {
        "/tmp/main.sh": "\n".join(script_lines("before_script") + script) + "\n",
        "/tmp/after.sh": "\n".join(script_lines("after_script")) + "\n",
        f"{PROJECT}/.keep": "",
    }


def job_env(topology, extra: dict[str, str]) -> dict[str, str]:
    variables = {k: str(v) for k, v in load_template()[".dind-doctor"]["variables"].items()}
    variables["DIND_DOCTOR_WAIT_TIMEOUT"] = "20"
    tool_dir = topology.tool.rsplit("/", 1)[0]
    return {**variables, **extra, "PATH": f"{tool_dir}:{DEFAULT_JOB_PATH}"}


def split_output(stdout: str) -> tuple[dict[str, int], dict[str, str]]:
    codes = {m[0]: int(m[1]) for m in re.findall(r"^::(main|after)-exit (\d+)$", stdout, re.M)}
    files = dict(re.findall(r"^::file dind-doctor/(\S+)\n(.*?)(?=^::file |\Z)", stdout,
                            re.M | re.S))
    return codes, files


def junit_cases(xml: str) -> dict[str, bool]:
    """test case name -> failed, from the JUnit file GitLab would read."""
    root = ElementTree.fromstring(xml)
    return {case.get("name", "").split(":")[0]: case.find("failure") is not None
            for case in root.iter("testcase")}


def test_a_healthy_docker_executor_job(topology):
    topology.start_service(SCENARIOS["healthy_tls"].service)
    result = topology.run_job(job_command(), files=job_files(USER_SCRIPT),
                              env=job_env(topology, {"DOCKER_TLS_CERTDIR": "/certs"}),
                              docker_entrypoint=True, timeout=180)
    codes, files = split_output(result.stdout)
    assert codes == {"main": 0, "after": 0}, str(result)
    assert "Endpoint: tcp://docker:2376 (TLS)" in result.stdout  # the diagnosis after wait
    assert "BROKEN" not in result.stdout
    assert "answered at tcp://docker:2376 (TLS)" in result.stderr
    report = json.loads(files["report.json"])
    assert report["endpoint"]["url"] == "tcp://docker:2376" and report["counts"]["fail"] == 0
    assert json.loads(files["facts.json"])["api"]["ping_ok"] is True
    cases = junit_cases(files["junit.xml"])
    assert cases and not any(cases.values()), cases  # every check passed or was skipped


def test_a_job_whose_daemon_never_answers_fails_in_wait_and_keeps_the_diagnosis(topology):
    scenario = SCENARIOS["tls_daemon_job_plain"]
    env = scenario.setup(topology)
    result = topology.run_job(job_command(), files=job_files(USER_SCRIPT),
                              env={**job_env(topology, env), "DIND_DOCTOR_WAIT_TIMEOUT": "5"},
                              timeout=180)
    codes, files = split_output(result.stdout)
    assert codes == {"main": 1, "after": 0}, str(result)
    assert "[daemon-tls-client-plain-2375]" in result.stdout
    assert "::file" in result.stdout and "Server.Version" not in result.stdout
    report = json.loads(files["report.json"])
    assert report["headline"]["id"] == "daemon-tls-client-plain-2375"
    assert json.loads(files["facts.json"])["api"]["ping_ok"] is False
    assert junit_cases(files["junit.xml"])["daemon-tls-client-plain-2375"] is True
