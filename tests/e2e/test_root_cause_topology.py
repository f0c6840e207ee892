"""The headline names the root cause, in a real job/service layout with the job's real files."""

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
