"""`dind-doctor wait` in a GitLab-like job next to a dind service that is still starting.

The job and service containers run on a private outer dockerd (tests/support/topology.py);
the service is started without waiting for it, as the runner does when its health check
is skipped (Kubernetes without HEALTHCHECK_TCP_PORT, ``wait_for_services_timeout = -1``).
"""

from __future__ import annotations

import re

import pytest

from tests.support.topology import ASSETS, DOCKER_ENTRYPOINT, PLAIN_ENV, SCENARIOS

from .helpers import headline_id

pytestmark = pytest.mark.topology

DIND_TCP_DELAY = 15  # dockerd sleeps this long before a plain, non-loopback TCP listener


def answered_after(stderr: str) -> float:
    found = re.search(r"answered at \S+(?: \(TLS\))? after ([0-9.]+) s", stderr)
    assert found, stderr
    return float(found.group(1))


def test_waits_out_the_plain_tcp_delay_of_dind(topology):
    topology.start_service(SCENARIOS["healthy_plain_slow"].service, wait=False)
    result = topology.run_tool("wait", "--timeout", "60", env=PLAIN_ENV, timeout=120)
    assert result.exit_code == 0, str(result)
    assert result.stdout == "", str(result)
    assert "connection refused" in result.stderr, str(result)
    assert answered_after(result.stderr) >= DIND_TCP_DELAY - 3, str(result)


def test_certificates_generated_after_the_job_started_switch_the_endpoint(topology):
    # the job starts first: no service, no certificates yet; the docker image's
    # entrypoint script is present (so the derivation applies) but did not run
    job = topology.start_job(
        [topology.tool, "wait", "--timeout", "60"],
        env={"DOCKER_TLS_CERTDIR": "/certs"}, mount_certs=True,
        files={DOCKER_ENTRYPOINT: (ASSETS / "docker-entrypoint.sh").read_bytes()})
    topology.start_service(SCENARIOS["healthy_tls"].service, wait=False)
    result = job.wait(120)
    assert result.exit_code == 0, str(result)
    assert "waiting for the Docker daemon at tcp://docker:2375" in result.stderr, str(result)
    assert "endpoint changed to the Docker daemon at tcp://docker:2376 (TLS)" in result.stderr
    assert "answered at tcp://docker:2376 (TLS)" in result.stderr


@pytest.mark.parametrize(("scenario", "expected"), [
    ("tls_daemon_job_plain", "daemon-tls-client-plain-2375"),
    ("no_service", "alias-unresolvable"),
])
def test_a_daemon_that_never_answers_gets_the_diagnosis(topology, scenario, expected):
    result = topology.run_scenario(scenario, [topology.tool, "wait", "--timeout", "5"],
                                   timeout=120)
    assert result.exit_code == 1, str(result)
    assert "no answer from the Docker daemon within 5 s" in result.stderr
    assert headline_id(result.stdout) == expected, str(result)
    assert "Fix:" in result.stdout
