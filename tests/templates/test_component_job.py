"""The component, rendered as GitLab renders it, runs in a job container next to a dind service.

Like ``test_template_job.py``: ``before_script`` and ``script`` in one shell that stops at the
first failing line, ``after_script`` in a new shell. The job gets the rendered job's
``variables`` and the docker image's entrypoint. The healthy job really installs dind-doctor
with the component's install line (the image has Python and pip, the package index is a local
wheelhouse); the broken ones use the repository's venv to save the install.
"""

from __future__ import annotations

import json

import pytest

from tests.support.topology import DEFAULT_JOB_PATH, SCENARIOS

from .template import render_component
from .test_template_job import PROJECT, junit_cases, split_output

pytestmark = pytest.mark.topology


def job_command(setup: str = "true") -> str:
    return "\n".join([
        f"{setup} && mkdir -p {PROJECT} && cd {PROJECT}",
        "sh -e /tmp/main.sh; echo \"::main-exit $?\"",
        "sh /tmp/after.sh; echo \"::after-exit $?\"",
        "for f in dind-doctor/*; do echo \"::file $f\"; cat \"$f\"; echo; done",
    ])


def rendered(inputs: dict) -> tuple[dict[str, str], dict[str, str]]:
    """(files, variables) of the component's job for these inputs."""
    job = render_component(inputs)["dind-doctor"]
    files = {
        "/tmp/main.sh": "\n".join(job["before_script"] + job["script"]) + "\n",
        "/tmp/after.sh": "\n".join(job["after_script"]) + "\n",
    }
    return files, {k: str(v) for k, v in job["variables"].items()}


def test_a_healthy_job_installs_dind_doctor_waits_and_passes(topology, job_python):
    topology.start_service(SCENARIOS["healthy_tls"].service)
    files, variables = rendered({"wait_timeout": 20})
    assert variables == {"DOCKER_TLS_CERTDIR": "/certs", "DIND_DOCTOR_PACKAGE": "dind-doctor"}
    result = topology.run_job(job_command(job_python.setup), files=files,
                              env=job_python.env(**variables), volumes=job_python.volumes,
                              docker_entrypoint=True, timeout=600)
    codes, artifacts = split_output(result.stdout)
    assert codes == {"main": 0, "after": 0}, str(result)
    assert "Successfully installed" in result.stdout and "dind-doctor-" in result.stdout
    assert "answered at tcp://docker:2376 (TLS)" in result.stderr
    assert "Endpoint: tcp://docker:2376 (TLS)" in result.stdout
    report = json.loads(artifacts["report.json"])
    assert report["counts"]["fail"] == 0
    cases = junit_cases(artifacts["junit.xml"])
    assert cases and not any(cases.values()), cases


def test_a_broken_daemon_fails_the_job_unless_fail_job_is_false(topology):
    env = SCENARIOS["tls_daemon_job_plain"].setup(topology)
    tool_dir = topology.tool.rsplit("/", 1)[0]
    outcome = {}
    for fail_job in (True, False):
        files, variables = rendered({"wait_timeout": 5, "fail_job": fail_job})
        job_env = {**variables, **env, "PATH": f"{tool_dir}:{DEFAULT_JOB_PATH}"}
        result = topology.run_job(job_command(), files=files, env=job_env, timeout=180)
        codes, artifacts = split_output(result.stdout)
        assert codes["after"] == 0, str(result)
        assert result.stdout.count("[daemon-tls-client-plain-2375]") >= 1, str(result)
        report = json.loads(artifacts["report.json"])
        assert report["headline"]["id"] == "daemon-tls-client-plain-2375"
        assert junit_cases(artifacts["junit.xml"])["daemon-tls-client-plain-2375"] is True
        outcome[fail_job] = codes["main"]
    assert outcome == {True: 1, False: 0}
