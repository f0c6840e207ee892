"""Trustworthy verdicts in a real job/service layout: healthy is quiet, broken names its cause."""

from __future__ import annotations

import pytest

from tests.config.helpers import ci

pytestmark = pytest.mark.topology

CI_PATH = "/builds/group/app/.gitlab-ci.yml"


def test_no_dind_service_declared_is_the_headline_not_the_dns_symptom(topology):
    with open(ci("docker-host-no-service.yml"), "rb") as handle:
        ci_file = handle.read()
    result = topology.run_scenario(
        "no_service", [topology.tool, "--json", "--timeout", "10", "--ci-file", CI_PATH],
        env={"CI_JOB_NAME": "build", "DOCKER_TLS_CERTDIR": ""}, files={CI_PATH: ci_file})
    assert not result.timed_out, str(result)
    report = result.json()
    by_id = {f["id"]: f for f in report["findings"]}
    assert result.exit_code == 1
    assert report["headline"]["id"] == "dind-service-missing", report["headline"]
    assert by_id["dind-service-missing"]["status"] == "fail"
    assert by_id["alias-unresolvable"]["status"] == "fail"  # the symptom is still reported


def test_certs_written_as_the_job_starts_do_not_warn_of_a_race(topology):
    """The job start is /proc/stat btime (whole seconds) plus PID 1's ticks, so certs written
    within that precision look "after the job started". Touching them as the job's first act
    makes that the case on every run; a healthy job must still get no warning."""
    from tests.support.topology import TLS_ENV

    topology.start_service()
    result = topology.run_job(
        f"touch /certs/client/ca.pem /certs/client/cert.pem /certs/client/key.pem && "
        f"exec {topology.tool} --json --timeout 10", env=dict(TLS_ENV))
    assert not result.timed_out, str(result)
    report = result.json()
    by_id = {f["id"]: f for f in report["findings"]}
    assert result.exit_code == 0, report["headline"]
    assert by_id["daemon-not-ready-race"]["status"] == "ok", by_id["daemon-not-ready-race"]
    assert not [f["id"] for f in report["findings"] if f["status"] in ("warn", "fail", "error")]
